import type { Learner } from '../learners/learner.js';
import type { StandardScaler } from '../preprocessing/standard-scaler.js';
import { OnnxGraphBuilder } from './onnx-graph-builder.js';

/**
 * A fitted learner as an ONNX model: input `features` (or `inputName`) FP32 [N, d], an ai.onnx.ml Scaler
 * when the features were standardised, then the learner's own nodes. Outputs: `label`
 * INT64 [N] and `probabilities` FP32 [N, K] for classifiers, `value` FP32 [N] for
 * regressors.
 */
export function learnerToOnnx(
  learner: Learner,
  opts: { scaler?: StandardScaler; inputName?: string } = {},
): Uint8Array {
  const inputName = opts.inputName ?? 'features';
  const g = new OnnxGraphBuilder(learner.name).input(inputName, 'FP32', ['N', learner.nFeatures]);
  let x = inputName;
  if (opts.scaler) {
    // ONNX's Scaler computes (x − offset) · scale.
    g.opset('ai.onnx.ml', 3).node(
      'Scaler',
      [inputName],
      ['scaled'],
      { offset: { floats: opts.scaler.mean }, scale: { floats: opts.scaler.scale.map((s) => 1 / s) } },
      'ai.onnx.ml',
    );
    x = 'scaled';
  }
  const out = learner.addOnnxNodes(g, x);
  if (out.label) g.output(out.label, 'INT64', ['N']);
  if (out.probabilities) g.output(out.probabilities, 'FP32', ['N', 'K']);
  if (out.value) g.output(out.value, 'FP32', ['N']);
  if (out.cluster) g.output(out.cluster, 'INT64', ['N']);
  return g.build();
}
