import { type ArtifactContent, encodeArtifact } from '../artifact/artifact-format.js';
import type { OnnxGraphBuilder } from '../onnx/onnx-graph-builder.js';
import type { OnnxOutputs } from './learner.js';

/**
 * What a fitted linear classifier is (logistic regression, linear SVM, NB-SVM): class
 * scores x·coef[c] + intercept[c], one row of weights for two classes. They share its
 * artifact form and its ONNX node.
 */
export interface LinearClassifierState {
  nClasses: number;
  nFeatures: number;
  /** [K' × d], K' = 1 for two classes. */
  coef: Float64Array;
  intercept: Float64Array;
}

export function encodeLinearClassifier(
  learner: string,
  params: object,
  m: LinearClassifierState,
  extra: Record<string, unknown> = {},
): Uint8Array {
  return encodeArtifact({
    learner,
    params: { ...params },
    state: { nClasses: m.nClasses, nFeatures: m.nFeatures, ...extra },
    arrays: { coef: m.coef, intercept: m.intercept },
  });
}

/** Fills a fresh learner from its decoded artifact. */
export function restoreLinearClassifier(m: LinearClassifierState, c: ArtifactContent): void {
  m.nClasses = c.state.nClasses as number;
  m.nFeatures = c.state.nFeatures as number;
  m.coef = c.arrays.coef as Float64Array;
  m.intercept = c.arrays.intercept as Float64Array;
}

/**
 * ai.onnx.ml LinearClassifier on `input`: with LOGISTIC (two classes; ONNX Runtime answers
 * [1−p, p]) or SOFTMAX the scores are probabilities, with NONE they are raw scores.
 */
export function addLinearClassifierNode(
  graph: OnnxGraphBuilder,
  input: string,
  m: LinearClassifierState,
  postTransform: 'probabilities' | 'none',
): OnnxOutputs {
  const probabilities = postTransform === 'probabilities';
  graph.opset('ai.onnx.ml', 3).node(
    'LinearClassifier',
    [input],
    ['label', probabilities ? 'probabilities' : 'scores'],
    {
      coefficients: { floats: m.coef },
      intercepts: { floats: m.intercept },
      classlabels_ints: { ints: Array.from({ length: m.nClasses }, (_, i) => i) },
      post_transform: { string: probabilities ? (m.nClasses === 2 ? 'LOGISTIC' : 'SOFTMAX') : 'NONE' },
    },
    'ai.onnx.ml',
  );
  return probabilities ? { label: 'label', probabilities: 'probabilities' } : { label: 'label' };
}
