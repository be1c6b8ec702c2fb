import type { FeatureMatrix } from '../linalg/csr-matrix.js';
import type { DenseMatrix } from '../linalg/dense-matrix.js';
import type { OnnxGraphBuilder } from '../onnx/onnx-graph-builder.js';

export type LearnerTask = 'classification' | 'regression' | 'clustering';

export interface FitProgress {
  /** What is happening: "optimise", "tree", "epoch", … */
  stage: string;
  /** 0..1 */
  fraction: number;
  metrics?: Record<string, number>;
}

export interface FitOptions {
  /** Everything random derives from this; the same seed gives the same model. Default 0. */
  seed?: number;
  /** Aborting stops the fit between steps with the signal's reason. */
  signal?: AbortSignal;
  onProgress?: (p: FitProgress) => void;
  /**
   * A weight per row (≥ 0): a row of weight w counts as w copies of itself in the loss,
   * as scikit-learn's sample_weight. Only learners whose registry entry says
   * `sampleWeights` read it; class weights arrive this way (class-weights.ts).
   */
  sampleWeight?: Float64Array;
}

/** Names of the ONNX outputs a learner's nodes produce. */
export interface OnnxOutputs {
  /** Classification: INT64 [N] class index. */
  label?: string;
  /** Classification: FP32 [N, K]. */
  probabilities?: string;
  /** Regression: FP32 [N]. */
  value?: string;
  /** Clustering: INT64 [N] cluster index. */
  cluster?: string;
}

/**
 * The one shape of every learner (as scikit-learn's estimators): constructed with its
 * params as plain data, `fit` on a numeric matrix (preprocessing has already turned the
 * frame into numbers), `predict` (class indices or values), `predictProba` for
 * classifiers, an artifact, and ONNX nodes. Nothing outside the learner registry
 * switches on a learner's name.
 */
export interface Learner {
  readonly name: string;
  readonly task: LearnerTask;
  readonly params: Readonly<Record<string, unknown>>;
  readonly nFeatures: number;
  fit(x: DenseMatrix, y: ArrayLike<number>, opts?: FitOptions): this;
  /** Class indices (classification, clustering) or values (regression), one per row. */
  predict(x: DenseMatrix): Int32Array | Float64Array;
  /** Classifiers: probabilities, row-major [n, nClasses]. */
  predictProba?(x: DenseMatrix): Float64Array;
  /** The fitted model in the engine's artifact format. */
  toArtifact(): Uint8Array;
  /** Adds nodes computing the outputs from `input` (FP32 [N, nFeatures]); returns their names. */
  addOnnxNodes(graph: OnnxGraphBuilder, input: string): OnnxOutputs;
}

/**
 * A linear scorer's weights, for explanations: class c's score is Σ_j f(x_j)·coef[c·d + j]
 * (+ a constant), f the identity or, with `presence`, 1 for x_j ≠ 0. With one row of
 * weights (two classes), they score class 1 and their negation class 0.
 */
export interface LinearWeights {
  coef: Float64Array;
  rows: number;
  presence: boolean;
}

/** A learner whose scores are linear in its features. */
export interface LinearLearner extends Learner {
  linearWeights(): LinearWeights;
}

export function isLinear(learner: Learner): learner is LinearLearner {
  return typeof (learner as Partial<LinearLearner>).linearWeights === 'function';
}

/** A learner that also takes sparse rows (text features): the linear ones and naive Bayes. */
export interface SparseLearner extends Learner {
  readonly sparseInput: true;
  fit(x: FeatureMatrix, y: ArrayLike<number>, opts?: FitOptions): this;
  predict(x: FeatureMatrix): Int32Array | Float64Array;
  predictProba?(x: FeatureMatrix): Float64Array;
}

export function takesSparse(learner: Learner): learner is SparseLearner {
  return (learner as Partial<SparseLearner>).sparseInput === true;
}

/** Merges given params over defaults, refusing names the learner does not know. */
export function withDefaults<P extends object>(learner: string, defaults: P, given: Partial<P> | undefined): P {
  for (const key of Object.keys(given ?? {})) {
    if (!(key in defaults)) {
      throw new Error(`${learner} has no parameter "${key}" (parameters: ${Object.keys(defaults).join(', ')})`);
    }
  }
  return { ...defaults, ...given };
}
