import { type ArtifactContent, decodeArtifact } from '../artifact/artifact-format.js';
import { type CsrMatrix, type FeatureMatrix, isCsr } from '../linalg/csr-matrix.js';
import type { OnnxGraphBuilder } from '../onnx/onnx-graph-builder.js';
import { type FitOptions, type LinearWeights, type OnnxOutputs, type SparseLearner, withDefaults } from './learner.js';
import { addLinearClassifierNode, encodeLinearClassifier, restoreLinearClassifier } from './linear-classifier-model.js';
import { LinearSvm } from './linear-svm.js';
import { LogisticRegression } from './logistic-regression.js';
import { argmaxRows, softmaxRows } from './row-scores.js';

export type NbSvmParams = {
  /** The linear model on the scaled features: `logistic` (gives probabilities) or `svm`. Default logistic. */
  base: 'logistic' | 'svm';
  /** Inverse regularisation of the linear model. Default 1. */
  C: number;
  /** Smoothing of the naive Bayes counts. Default 1. */
  alpha: number;
};

export const NB_SVM_DEFAULTS: NbSvmParams = { base: 'logistic', C: 1, alpha: 1 };

/**
 * NB-SVM (Wang and Manning, 2012) for text: each feature is first present/absent, then
 * scaled by its naive Bayes log-count ratio r = log((p/‖p‖₁)/(q/‖q‖₁)) between the class
 * and the rest, and a linear model learns on that. One-vs-rest for several classes. The
 * fitted model is linear in the presence indicators (weights r ⊙ w), which is how it
 * predicts and exports.
 */
export class NbSvm implements SparseLearner {
  readonly name = 'nb-svm';
  readonly task = 'classification';
  readonly sparseInput = true;
  readonly params: NbSvmParams;
  nClasses = 0;
  nFeatures = 0;
  /** Effective weights on presence indicators, [K' × d] (K' = 1 for two classes). */
  coef: Float64Array = new Float64Array(0);
  intercept: Float64Array = new Float64Array(0);

  constructor(params: Partial<NbSvmParams> = {}) {
    this.params = withDefaults(this.name, NB_SVM_DEFAULTS, params);
    if (this.params.base !== 'logistic' && this.params.base !== 'svm')
      throw new Error('nb-svm: base must be logistic or svm');
    if (!(this.params.C > 0 && this.params.alpha > 0)) throw new Error('nb-svm: C and alpha must be > 0');
  }

  fit(x: FeatureMatrix, y: ArrayLike<number>, opts: FitOptions = {}): this {
    const n = x.rows;
    const d = x.cols;
    if (y.length !== n) throw new Error(`X has ${n} rows, y has ${y.length}`);
    let k = 0;
    for (let i = 0; i < n; i++) k = Math.max(k, (y[i] as number) + 1);
    if (k < 2) throw new Error('nb-svm needs at least two classes');
    this.nClasses = k;
    this.nFeatures = d;
    const kk = k === 2 ? 1 : k;
    const presence = binarize(x);
    this.coef = new Float64Array(kk * d);
    this.intercept = new Float64Array(kk);
    for (let c = 0; c < kk; c++) {
      opts.signal?.throwIfAborted();
      const positive = k === 2 ? 1 : c;
      const target = Float64Array.from({ length: n }, (_, i) => ((y[i] as number) === positive ? 1 : 0));
      const r = nbLogCountRatio(presence, target, this.params.alpha);
      const scaled = scaleColumns(presence, r);
      const base =
        this.params.base === 'logistic'
          ? new LogisticRegression({ C: this.params.C })
          : new LinearSvm({ C: this.params.C });
      base.fit(scaled, target, opts);
      for (let j = 0; j < d; j++) this.coef[c * d + j] = (base.coef[j] as number) * (r[j] as number);
      this.intercept[c] = base.intercept[0] as number;
      opts.onProgress?.({ stage: 'class', fraction: (c + 1) / kk });
    }
    return this;
  }

  /** Decision values, [n × K']. */
  decisionFunction(x: FeatureMatrix): Float64Array {
    if (x.cols !== this.nFeatures) throw new Error(`the model has ${this.nFeatures} features, X has ${x.cols}`);
    const presence = binarize(x);
    const kk = this.intercept.length;
    const d = this.nFeatures;
    const out = new Float64Array(presence.rows * kk);
    for (let i = 0; i < presence.rows; i++) {
      for (let c = 0; c < kk; c++) {
        let s = this.intercept[c] as number;
        for (let t = presence.indptr[i] as number; t < (presence.indptr[i + 1] as number); t++) {
          s += this.coef[c * d + (presence.indices[t] as number)] as number;
        }
        out[i * kk + c] = s;
      }
    }
    return out;
  }

  predictProba(x: FeatureMatrix): Float64Array {
    const f = this.decisionFunction(x);
    const k = this.nClasses;
    if (k === 2) {
      const out = new Float64Array(x.rows * 2);
      for (let i = 0; i < x.rows; i++) {
        const p = 1 / (1 + Math.exp(-(f[i] as number)));
        out[i * 2] = 1 - p;
        out[i * 2 + 1] = p;
      }
      return out;
    }
    // One-vs-rest scores made comparable by a softmax, as ONNX Runtime's SOFTMAX post-transform does.
    return softmaxRows(f, x.rows, k, new Float64Array(x.rows * k));
  }

  predict(x: FeatureMatrix): Int32Array {
    const f = this.decisionFunction(x);
    if (this.nClasses === 2) return Int32Array.from(f, (v) => (v > 0 ? 1 : 0));
    return argmaxRows(f, x.rows, this.nClasses);
  }

  /** The weights scoring each class (see LinearWeights). */
  linearWeights(): LinearWeights {
    return { coef: this.coef, rows: this.intercept.length, presence: true };
  }

  toArtifact(): Uint8Array {
    return encodeLinearClassifier(this.name, this.params, this);
  }

  static fromArtifact(content: ArtifactContent | Uint8Array): NbSvm {
    const c = content instanceof Uint8Array ? decodeArtifact(content) : content;
    const m = new NbSvm(c.params as Partial<NbSvmParams>);
    restoreLinearClassifier(m, c);
    return m;
  }

  /** Presence (Sign, features being ≥ 0), then LinearClassifier on the effective weights. */
  addOnnxNodes(graph: OnnxGraphBuilder, input: string): OnnxOutputs {
    graph.node('Sign', [input], ['nbsvm_presence']);
    return addLinearClassifierNode(graph, 'nbsvm_presence', this, 'probabilities');
  }
}

/**
 * r = log((p/‖p‖₁)/(q/‖q‖₁)), p and q the α-smoothed feature counts over the positive
 * and the other rows.
 */
export function nbLogCountRatio(x: CsrMatrix, positive: ArrayLike<number>, alpha: number): Float64Array {
  const d = x.cols;
  const p = new Float64Array(d).fill(alpha);
  const q = new Float64Array(d).fill(alpha);
  for (let i = 0; i < x.rows; i++) {
    const into = (positive[i] as number) === 1 ? p : q;
    for (let t = x.indptr[i] as number; t < (x.indptr[i + 1] as number); t++) {
      const j = x.indices[t] as number;
      into[j] = (into[j] as number) + (x.data[t] as number);
    }
  }
  let sp = 0;
  let sq = 0;
  for (let j = 0; j < d; j++) {
    sp += p[j] as number;
    sq += q[j] as number;
  }
  return Float64Array.from({ length: d }, (_, j) => Math.log((p[j] as number) / sp / ((q[j] as number) / sq)));
}

/** 1 where a feature is present (non-zero), as a CSR matrix. */
export function binarize(x: FeatureMatrix): CsrMatrix {
  if (isCsr(x)) {
    return { ...x, data: new Float64Array(x.data.length).fill(1) };
  }
  const indptr = new Int32Array(x.rows + 1);
  const indices: number[] = [];
  for (let i = 0; i < x.rows; i++) {
    for (let j = 0; j < x.cols; j++) if ((x.data[i * x.cols + j] as number) !== 0) indices.push(j);
    indptr[i + 1] = indices.length;
  }
  return {
    rows: x.rows,
    cols: x.cols,
    indptr,
    indices: Int32Array.from(indices),
    data: new Float64Array(indices.length).fill(1),
  };
}

function scaleColumns(x: CsrMatrix, r: Float64Array): CsrMatrix {
  return { ...x, data: Float64Array.from(x.indices, (j) => r[j] as number) };
}
