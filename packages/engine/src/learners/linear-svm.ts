import { type ArtifactContent, decodeArtifact } from '../artifact/artifact-format.js';
import type { FeatureMatrix } from '../linalg/csr-matrix.js';
import { rowDot } from '../linalg/row-ops.js';
import type { OnnxGraphBuilder } from '../onnx/onnx-graph-builder.js';
import { Rng } from '../random/rng.js';
import { siblingModule } from '../threads/module-worker.js';
import { runTasks, shared, sharedMatrix, threadCount } from '../threads/task-pool.js';
import { type FitOptions, type LinearWeights, type OnnxOutputs, type SparseLearner, withDefaults } from './learner.js';
import { addLinearClassifierNode, encodeLinearClassifier, restoreLinearClassifier } from './linear-classifier-model.js';
import { classSolveEstimateMs, type LinearSvmClasses, solveLinearSvmClass } from './linear-svm-classes.js';
import { argmaxRows } from './row-scores.js';

export type LinearSvmParams = {
  /** Inverse regularisation: minimises ½‖w‖² + C·Σ max(0, 1 − y·w·x)². Default 1. */
  C: number;
  /** Stop when the projected-gradient spread falls below tol. Default 1e-4. */
  tol: number;
  /** Most passes (dual) or Newton steps (primal). Default 1000. */
  maxIter: number;
  /**
   * `primal`: truncated Newton on the primal (scikit-learn's dual=False), fast when rows
   * outnumber features; `dual`: coordinate descent on the dual (dual=True), fast for wide
   * sparse data such as text; `auto` (default) picks by the matrix's shape. Both reach the
   * same optimum.
   */
  solver: 'auto' | 'primal' | 'dual';
  /** Threads the one-vs-rest classes are solved on; 0 (default) means one per core. */
  nJobs: number;
};

export const LINEAR_SVM_DEFAULTS: LinearSvmParams = { C: 1, tol: 1e-4, maxIter: 1000, solver: 'auto', nJobs: 0 };

/**
 * Linear SVM with the squared hinge loss, one-vs-rest for several classes, solved by dual
 * coordinate descent (Hsieh et al., 2008) or by truncated Newton on the primal (both
 * liblinear's solvers), as scikit-learn's
 * LinearSVC: the intercept is a weight on a constant feature of 1, and is regularised too.
 */
export class LinearSvm implements SparseLearner {
  readonly sparseInput = true;
  readonly name = 'linear-svm';
  readonly task = 'classification';
  readonly params: LinearSvmParams;
  nClasses = 0;
  nFeatures = 0;
  /** [K' × d], K' = 1 for two classes. */
  coef: Float64Array = new Float64Array(0);
  intercept: Float64Array = new Float64Array(0);
  /** Classes the last fit solved on worker threads (not saved; tests read it). */
  classesSolvedByWorkers = 0;

  constructor(params: Partial<LinearSvmParams> = {}) {
    this.params = withDefaults(this.name, LINEAR_SVM_DEFAULTS, params);
    if (!(this.params.C > 0)) throw new Error('linear-svm: C must be > 0');
    if (!['auto', 'primal', 'dual'].includes(this.params.solver)) {
      throw new Error('linear-svm: solver must be auto, primal or dual');
    }
    if (!(Number.isInteger(this.params.nJobs) && this.params.nJobs >= 0)) {
      throw new Error('linear-svm: nJobs must be an integer >= 0 (0: one thread per core)');
    }
  }

  fit(x: FeatureMatrix, y: ArrayLike<number>, opts: FitOptions = {}): this {
    const { rows: n, cols: d } = x;
    if (y.length !== n) throw new Error(`X has ${n} rows, y has ${y.length}`);
    let k = 0;
    for (let i = 0; i < n; i++) k = Math.max(k, (y[i] as number) + 1);
    if (k < 2) throw new Error('linear-svm needs at least two classes');
    const kk = k === 2 ? 1 : k;
    this.nClasses = k;
    this.nFeatures = d;
    this.coef = new Float64Array(kk * d);
    this.intercept = new Float64Array(kk);
    const rng = new Rng(opts.seed ?? 0);
    // liblinear's class weights: each row's C is C times its weight.
    const sw = opts.sampleWeight;
    const primal = this.params.solver === 'primal' || (this.params.solver === 'auto' && n > d);
    const job: LinearSvmClasses = {
      x,
      y: Float64Array.from({ length: n }, (_, i) => y[i] as number),
      nClasses: k,
      cost: Float64Array.from({ length: n }, (_, i) => this.params.C * (sw ? (sw[i] as number) : 1)),
      tol: this.params.tol,
      maxIter: this.params.maxIter,
      primal,
      // One seed per class, drawn in order: the same model on any number of threads.
      seeds: Uint32Array.from({ length: kk }, () => rng.nextUint32()),
    };
    const threads = threadCount(this.params.nJobs);
    const parallel = threads > 1 && kk > 1;
    const { results, ranOnWorkers } = runTasks(
      {
        module: siblingModule(import.meta.url, 'linear-svm-classes'),
        exportName: 'solveLinearSvmClass',
        input: parallel ? { ...job, x: sharedMatrix(x), y: shared(job.y), cost: shared(job.cost) } : job,
        count: kk,
        runHere: (c) => solveLinearSvmClass(job, c, opts.signal),
      },
      threads,
      {
        estimateMs: kk * classSolveEstimateMs(x),
        signal: opts.signal,
        onResult: (done) => opts.onProgress?.({ stage: 'class', fraction: done / kk }),
      },
    );
    this.classesSolvedByWorkers = ranOnWorkers;
    results.forEach((w, c) => {
      this.coef.set(w.subarray(0, d), c * d);
      this.intercept[c] = w[d] as number;
    });
    return this;
  }

  /** Signed distances, [n × K'] (one column for two classes). */
  decisionFunction(x: FeatureMatrix): Float64Array {
    const { rows: n, cols: d } = x;
    if (d !== this.nFeatures) throw new Error(`the model has ${this.nFeatures} features, X has ${d}`);
    const kk = this.intercept.length;
    const out = new Float64Array(n * kk);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < kk; c++) out[i * kk + c] = (this.intercept[c] as number) + rowDot(x, i, this.coef, c * d);
    }
    return out;
  }

  predict(x: FeatureMatrix): Int32Array {
    const f = this.decisionFunction(x);
    const kk = this.intercept.length;
    if (kk > 1) return argmaxRows(f, x.rows, kk);
    return Int32Array.from(f, (v) => (v > 0 ? 1 : 0));
  }

  /** The weights scoring each class (see LinearWeights). */
  linearWeights(): LinearWeights {
    return { coef: this.coef, rows: this.intercept.length, presence: false };
  }

  toArtifact(): Uint8Array {
    return encodeLinearClassifier(this.name, this.params, this);
  }

  static fromArtifact(content: ArtifactContent | Uint8Array): LinearSvm {
    const c = content instanceof Uint8Array ? decodeArtifact(content) : content;
    const m = new LinearSvm(c.params as Partial<LinearSvmParams>);
    restoreLinearClassifier(m, c);
    return m;
  }

  /** ai.onnx.ml LinearClassifier without a post-transform: labels and raw scores. */
  addOnnxNodes(graph: OnnxGraphBuilder, input: string): OnnxOutputs {
    return addLinearClassifierNode(graph, input, this, 'none');
  }
}
