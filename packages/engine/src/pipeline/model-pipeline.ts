import { decodeArtifact, encodeArtifact } from '../artifact/artifact-format.js';
import type { Frame } from '../frame/frame.js';
import type { FitOptions, Learner } from '../learners/learner.js';
import { createLearner, learnerDefinition, loadLearner } from '../learners/learner-registry.js';
import { OnnxGraphBuilder } from '../onnx/onnx-graph-builder.js';
import { FeaturePipeline, type FeaturePipelineState } from './feature-pipeline.js';

/** Learners whose fit assumes standardised features. */
const SCALED = new Set([
  'linear-regression',
  'ridge',
  'logistic-regression',
  'linear-svm',
  'k-means',
  'mlp',
  'kernel-svm',
]);

export interface TargetInfo {
  name: string;
  task: 'classification' | 'regression';
  /** Class names in index order (classification). */
  classes: string[];
}

/**
 * A trained model as the platform keeps it: the feature pipeline, the learner, and what
 * the target means. Fits on a Frame, predicts on a Frame, travels as one artifact and as
 * one ONNX model (one input per column; `label` as the class name, `probabilities`).
 */
export class ModelPipeline {
  constructor(
    readonly features: FeaturePipeline,
    readonly learner: Learner,
    readonly target: TargetInfo,
  ) {}

  static fit(
    frame: Frame,
    target: string,
    algorithm: string,
    params: Record<string, unknown> = {},
    opts: FitOptions & { task?: 'classification' | 'regression'; features?: string[] } = {},
  ): ModelPipeline {
    const def = learnerDefinition(algorithm);
    const task = opts.task ?? (def.tasks[0] as 'classification' | 'regression');
    if (!def.tasks.includes(task)) throw new Error(`${algorithm} cannot learn ${task}`);
    const { y, classes } = targetValues(frame, target, task);
    const features = FeaturePipeline.forFrame(frame, target, SCALED.has(algorithm), opts.features).fit(frame);
    const learnerParams = def.tasks.length > 1 ? { task, ...params } : params;
    const learner = createLearner(algorithm, learnerParams).fit(features.transform(frame), y, opts);
    return new ModelPipeline(features, learner, { name: target, task, classes });
  }

  /** Class names (classification) or values (regression). */
  predict(frame: Frame): string[] | Float64Array {
    const out = this.learner.predict(this.features.transform(frame));
    if (this.target.task === 'regression') return out as Float64Array;
    return Array.from(out, (i) => this.target.classes[i] as string);
  }

  predictProba(frame: Frame): Float64Array {
    if (!this.learner.predictProba) throw new Error(`${this.learner.name} gives no probabilities`);
    return this.learner.predictProba(this.features.transform(frame));
  }

  toArtifact(): Uint8Array {
    return encodeArtifact({
      learner: 'pipeline',
      params: {},
      state: { features: this.features.state(), target: this.target },
      arrays: { learner: this.learner.toArtifact() },
    });
  }

  static fromArtifact(bytes: Uint8Array): ModelPipeline {
    const c = decodeArtifact(bytes);
    if (c.learner !== 'pipeline') throw new Error(`not a model pipeline artifact (it holds "${c.learner}")`);
    return new ModelPipeline(
      FeaturePipeline.fromState(c.state.features as FeaturePipelineState),
      loadLearner(c.arrays.learner as Uint8Array),
      c.state.target as TargetInfo,
    );
  }

  toOnnx(): Uint8Array {
    const g = new OnnxGraphBuilder(`${this.learner.name}-pipeline`);
    const x = this.features.addOnnxNodes(g);
    const out = this.learner.addOnnxNodes(g, x);
    if (out.label) {
      // Class index → class name, so the served label is what the data said.
      g.node(
        'LabelEncoder',
        [out.label],
        ['label_name'],
        {
          keys_int64s: { ints: this.target.classes.map((_, i) => i) },
          values_strings: { strings: this.target.classes },
          default_string: { string: '' },
        },
        'ai.onnx.ml',
      );
      g.output('label_name', 'BYTES', ['N']);
    }
    if (out.probabilities) g.output(out.probabilities, 'FP32', ['N', this.target.classes.length]);
    if (out.value) g.output(out.value, 'FP32', ['N']);
    return g.build();
  }
}

function targetValues(frame: Frame, target: string, task: 'classification' | 'regression') {
  const col = frame.column(target);
  if (task === 'regression') {
    if (col.kind !== 'numeric') throw new Error(`regression needs a numeric target; "${target}" is ${col.kind}`);
    if (col.values.some((v) => Number.isNaN(v))) throw new Error(`the target "${target}" has missing values`);
    return { y: col.values, classes: [] as string[] };
  }
  // Classes in sorted order (numerically when they all are numbers), as numpy.unique gives them.
  const raw: string[] =
    col.kind === 'numeric'
      ? Array.from(col.values, (v) => (Number.isNaN(v) ? '' : String(v)))
      : col.kind === 'categorical'
        ? Array.from(col.codes, (c) => (c < 0 ? '' : (col.dictionary[c] as string)))
        : col.values.map((v) => v ?? '');
  if (raw.includes('')) throw new Error(`the target "${target}" has missing values`);
  const uniq = [...new Set(raw)];
  const numeric = uniq.every((v) => Number.isFinite(Number(v)));
  const classes = numeric ? uniq.sort((a, b) => Number(a) - Number(b)) : uniq.sort();
  if (classes.length < 2) throw new Error(`the target "${target}" has one class only`);
  const index = new Map(classes.map((c, i) => [c, i]));
  return { y: Float64Array.from(raw, (v) => index.get(v) as number), classes };
}
