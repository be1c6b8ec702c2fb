import { decodeArtifact, encodeArtifact } from '../artifact/artifact-format.js';
import type { Frame } from '../frame/frame.js';
import { type ClassWeight, classSampleWeights } from '../learners/class-weights.js';
import { type FitOptions, isLinear, type Learner, takesSparse } from '../learners/learner.js';
import { createLearner, learnerDefinition, loadLearner } from '../learners/learner-registry.js';
import { type CsrMatrix, csrToDense, type FeatureMatrix, isCsr } from '../linalg/csr-matrix.js';
import type { DenseMatrix } from '../linalg/dense-matrix.js';
import { OnnxGraphBuilder } from '../onnx/onnx-graph-builder.js';
import type { TextVectorizerParams } from '../text/text-vectorizer.js';
import type { ColumnKinds } from './column-kinds.js';
import { FeaturePipeline, type FeaturePipelineState } from './feature-pipeline.js';

/** Learners whose fit assumes standardised features. */
/** Text features for a learner that needs dense rows: densified up to this many cells. */
const MAX_DENSE_CELLS = 50_000_000;

const SCALED = new Set([
  'linear-regression',
  'ridge',
  'logistic-regression',
  'linear-svm',
  'k-means',
  'mlp',
  'kernel-svm',
  // Its linear or neural members want scaled features; its trees do not mind them.
  'ensemble',
]);

export interface PipelineSignature {
  inputs: Array<{ name: string; kind: 'numeric' | 'categorical' | 'text' }>;
  outputs: Array<{ name: string; datatype: 'FP32' | 'BYTES'; classes?: string[] }>;
}

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
    opts: FitOptions & {
      task?: 'classification' | 'regression';
      features?: string[];
      /** How text columns are vectorised (TF-IDF of words by default). */
      text?: Partial<TextVectorizerParams>;
      /** Classification: how much each class counts (learners with sampleWeights only). */
      classWeight?: ClassWeight;
      /** How to read columns, over what their values suggest (ordinal with an order, ignore, …). */
      kinds?: ColumnKinds;
    } = {},
  ): ModelPipeline {
    const def = learnerDefinition(algorithm);
    const task = opts.task ?? (def.tasks[0] as 'classification' | 'regression');
    if (!def.tasks.includes(task)) throw new Error(`${algorithm} cannot learn ${task}`);
    const { y, classes } = targetValues(frame, target, task);
    let fitOpts: FitOptions = opts;
    if (opts.classWeight !== undefined) {
      if (task !== 'classification') throw new Error('classWeight applies to classification only');
      if (!def.sampleWeights) throw new Error(`${algorithm} does not take class weights`);
      fitOpts = { ...opts, sampleWeight: classSampleWeights(y, classes, opts.classWeight) };
    }
    const features = FeaturePipeline.forFrame(
      frame,
      target,
      SCALED.has(algorithm),
      opts.features,
      opts.text,
      opts.kinds,
      def.oneHotOrdinals === true,
    );
    const learnerParams = def.tasks.length > 1 ? { task, ...params } : params;
    const learner = createLearner(algorithm, learnerParams);
    const x = features.fitTransform(frame);
    if (takesSparse(learner)) learner.fit(x, y, fitOpts);
    else learner.fit(dense(x, learner), y, fitOpts);
    return new ModelPipeline(features, learner, { name: target, task, classes });
  }

  /**
   * What the model takes and gives: one input per column with its kind, and the outputs
   * (`label` and `probabilities` over `classes`, or `value`), as the ONNX export names them.
   */
  signature(): PipelineSignature {
    return {
      // An ordinal column is sent as its category strings; the pipeline ranks them.
      inputs: this.features.features.map((f) => ({
        name: f.name,
        kind: f.kind === 'ordinal' ? 'categorical' : f.kind,
      })),
      outputs:
        this.target.task === 'regression'
          ? [{ name: 'value', datatype: 'FP32' }]
          : [
              { name: 'label_name', datatype: 'BYTES' },
              { name: 'probabilities', datatype: 'FP32', classes: this.target.classes },
            ],
    };
  }

  /**
   * Why each row got its label, for linear learners: the features that added most to the
   * predicted class's score (value × weight), largest first, at most `k` per row. Other
   * learners give no explanation (undefined).
   */
  explain(frame: Frame, k = 5): Array<Array<{ feature: string; weight: number }>> | undefined {
    if (!isLinear(this.learner) || this.target.task !== 'classification') return undefined;
    const w = this.learner.linearWeights();
    const x = this.matrix(frame);
    const labels = this.predict(frame) as string[];
    const index = new Map(this.target.classes.map((c, i) => [c, i]));
    const d = x.cols;
    return labels.map((label, i) => {
      const c = index.get(label) as number;
      // One row of weights scores class 1; class 0 is its negation.
      const [row, sign] = w.rows === 1 ? [0, c === 1 ? 1 : -1] : [c, 1];
      const found: Array<{ feature: string; weight: number }> = [];
      const visit = (j: number, value: number) => {
        const contribution = sign * (w.presence ? 1 : value) * (w.coef[row * d + j] as number);
        if (contribution > 0) found.push({ feature: this.features.featureName(j), weight: contribution });
      };
      if (isCsr(x)) {
        for (let q = x.indptr[i] as number; q < (x.indptr[i + 1] as number); q++)
          visit(x.indices[q] as number, x.data[q] as number);
      } else {
        for (let j = 0; j < d; j++) if ((x.data[i * d + j] as number) !== 0) visit(j, x.data[i * d + j] as number);
      }
      return found.sort((a, b) => b.weight - a.weight).slice(0, k);
    });
  }

  /** The learner's input for a frame. */
  matrix(frame: Frame): FeatureMatrix {
    return this.features.transform(frame);
  }

  /** Class names (classification) or values (regression). */
  predict(frame: Frame): string[] | Float64Array {
    const x = this.matrix(frame);
    const out = takesSparse(this.learner) ? this.learner.predict(x) : this.learner.predict(dense(x, this.learner));
    if (this.target.task === 'regression') return out as Float64Array;
    return Array.from(out, (i) => this.target.classes[i] as string);
  }

  predictProba(frame: Frame): Float64Array {
    if (!this.learner.predictProba) throw new Error(`${this.learner.name} gives no probabilities`);
    const x = this.matrix(frame);
    return takesSparse(this.learner) && this.learner.predictProba
      ? this.learner.predictProba(x)
      : this.learner.predictProba(dense(x, this.learner));
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

/** Sparse text features as dense rows, for learners that need them, within a size bound. */
function dense(x: FeatureMatrix, learner: Learner): DenseMatrix {
  if (!isCsr(x)) return x;
  const cells = x.rows * x.cols;
  if (cells > MAX_DENSE_CELLS) {
    throw new Error(
      `${learner.name} needs dense features and the text features are ${x.rows} × ${x.cols}: ` +
        'use logistic-regression, linear-svm or naive-bayes, or limit the vocabulary (text.maxFeatures)',
    );
  }
  return csrToDense(x as CsrMatrix);
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
