import { type ArtifactContent, decodeArtifact, encodeArtifact } from '../artifact/artifact-format.js';
import type { FeatureMatrix } from '../linalg/csr-matrix.js';
import { minValue, rowAxpy, rowDot } from '../linalg/row-ops.js';
import type { OnnxGraphBuilder } from '../onnx/onnx-graph-builder.js';
import { type FitOptions, type LinearWeights, type OnnxOutputs, type SparseLearner, withDefaults } from './learner.js';
import { argmaxRows } from './row-scores.js';

export type NaiveBayesParams = {
  /** Additive (Laplace/Lidstone) smoothing. Default 1. */
  alpha: number;
};

export const NAIVE_BAYES_DEFAULTS: NaiveBayesParams = { alpha: 1 };

/**
 * Multinomial naive Bayes for count-like features (word counts, pixel intensities), as
 * scikit-learn's MultinomialNB: log P(c | x) ∝ log P(c) + Σ_j x_j log θ_cj with
 * θ_cj = (N_cj + α) / (N_c + α·d). Features must be ≥ 0.
 */
export class NaiveBayes implements SparseLearner {
  readonly sparseInput = true;
  readonly name = 'naive-bayes';
  readonly task = 'classification';
  readonly params: NaiveBayesParams;
  nClasses = 0;
  nFeatures = 0;
  /** [K] */
  classLogPrior: Float64Array = new Float64Array(0);
  /** [K × d] */
  featureLogProb: Float64Array = new Float64Array(0);

  constructor(params: Partial<NaiveBayesParams> = {}) {
    this.params = withDefaults(this.name, NAIVE_BAYES_DEFAULTS, params);
    if (!(this.params.alpha > 0)) throw new Error('naive-bayes: alpha must be > 0');
  }

  fit(x: FeatureMatrix, y: ArrayLike<number>, _opts: FitOptions = {}): this {
    const { rows: n, cols: d } = x;
    if (y.length !== n) throw new Error(`X has ${n} rows, y has ${y.length}`);
    const lowest = minValue(x);
    if (lowest < 0) throw new Error(`naive-bayes needs features >= 0; X has ${lowest}`);
    let k = 0;
    for (let i = 0; i < n; i++) k = Math.max(k, (y[i] as number) + 1);
    const counts = new Float64Array(k * d);
    const classCount = new Float64Array(k);
    for (let i = 0; i < n; i++) {
      const c = y[i] as number;
      classCount[c] = (classCount[c] as number) + 1;
      rowAxpy(x, i, 1, counts, c * d);
    }
    const flp = new Float64Array(k * d);
    for (let c = 0; c < k; c++) {
      let total = 0;
      for (let j = 0; j < d; j++) total += (counts[c * d + j] as number) + this.params.alpha;
      for (let j = 0; j < d; j++)
        flp[c * d + j] = Math.log(((counts[c * d + j] as number) + this.params.alpha) / total);
    }
    this.nClasses = k;
    this.nFeatures = d;
    this.featureLogProb = flp;
    this.classLogPrior = classCount.map((v) => Math.log(v / n));
    return this;
  }

  private jointLogLikelihood(x: FeatureMatrix): Float64Array {
    const { rows: n, cols: d } = x;
    if (d !== this.nFeatures) throw new Error(`the model has ${this.nFeatures} features, X has ${d}`);
    const k = this.nClasses;
    const out = new Float64Array(n * k);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < k; c++)
        out[i * k + c] = (this.classLogPrior[c] as number) + rowDot(x, i, this.featureLogProb, c * d);
    }
    return out;
  }

  predictProba(x: FeatureMatrix): Float64Array {
    const jll = this.jointLogLikelihood(x);
    const k = this.nClasses;
    for (let i = 0; i < x.rows; i++) {
      let max = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < k; c++) max = Math.max(max, jll[i * k + c] as number);
      let sum = 0;
      for (let c = 0; c < k; c++) sum += Math.exp((jll[i * k + c] as number) - max);
      for (let c = 0; c < k; c++) jll[i * k + c] = Math.exp((jll[i * k + c] as number) - max) / sum;
    }
    return jll;
  }

  predict(x: FeatureMatrix): Int32Array {
    const jll = this.jointLogLikelihood(x);
    const k = this.nClasses;
    return argmaxRows(jll, x.rows, k);
  }

  /** log θ centred over the classes: what each count adds to a class against the others. */
  linearWeights(): LinearWeights {
    const k = this.nClasses;
    const d = this.nFeatures;
    const coef = new Float64Array(k * d);
    for (let j = 0; j < d; j++) {
      let mean = 0;
      for (let c = 0; c < k; c++) mean += (this.featureLogProb[c * d + j] as number) / k;
      for (let c = 0; c < k; c++) coef[c * d + j] = (this.featureLogProb[c * d + j] as number) - mean;
    }
    return { coef, rows: k, presence: false };
  }

  toArtifact(): Uint8Array {
    return encodeArtifact({
      learner: this.name,
      params: { ...this.params },
      state: { nClasses: this.nClasses, nFeatures: this.nFeatures },
      arrays: { classLogPrior: this.classLogPrior, featureLogProb: this.featureLogProb },
    });
  }

  static fromArtifact(content: ArtifactContent | Uint8Array): NaiveBayes {
    const c = content instanceof Uint8Array ? decodeArtifact(content) : content;
    const m = new NaiveBayes(c.params as Partial<NaiveBayesParams>);
    m.nClasses = c.state.nClasses as number;
    m.nFeatures = c.state.nFeatures as number;
    m.classLogPrior = c.arrays.classLogPrior as Float64Array;
    m.featureLogProb = c.arrays.featureLogProb as Float64Array;
    return m;
  }

  /** Standard operators: scores = X · θᵀ + log prior; Softmax; ArgMax. */
  addOnnxNodes(graph: OnnxGraphBuilder, input: string): OnnxOutputs {
    const k = this.nClasses;
    const d = this.nFeatures;
    const transposed = new Float64Array(d * k);
    for (let c = 0; c < k; c++)
      for (let j = 0; j < d; j++) transposed[j * k + c] = this.featureLogProb[c * d + j] as number;
    graph
      .initializer({ name: 'nb_log_prob_t', datatype: 'FP32', dims: [d, k], values: transposed })
      .initializer({ name: 'nb_log_prior', datatype: 'FP32', dims: [k], values: this.classLogPrior })
      .node('MatMul', [input, 'nb_log_prob_t'], ['nb_jll_no_prior'])
      .node('Add', ['nb_jll_no_prior', 'nb_log_prior'], ['nb_jll'])
      .node('Softmax', ['nb_jll'], ['probabilities'], { axis: { int: 1 } })
      .node('ArgMax', ['nb_jll'], ['label'], { axis: { int: 1 }, keepdims: { int: 0 } });
    return { label: 'label', probabilities: 'probabilities' };
  }
}
