import { type ArtifactContent, decodeArtifact } from '../artifact/artifact-format.js';
import { type FeatureMatrix, isCsr } from '../linalg/csr-matrix.js';
import { rowDot } from '../linalg/row-ops.js';
import { streamDesign } from '../linalg/streamed-design.js';
import type { OnnxGraphBuilder } from '../onnx/onnx-graph-builder.js';
import { lbfgs } from '../optim/lbfgs.js';
import { siblingModule } from '../threads/module-worker.js';
import { shared, sharedMatrix, threadCount } from '../threads/task-pool.js';
import { TaskSession } from '../threads/task-session.js';
import { type FitOptions, type LinearWeights, type OnnxOutputs, type SparseLearner, withDefaults } from './learner.js';
import { addLinearClassifierNode, encodeLinearClassifier, restoreLinearClassifier } from './linear-classifier-model.js';
import {
  type LogisticLossJob,
  type LossPart,
  logisticLossRange,
  lossRanges,
  releaseResidentRanges,
  streamsLoss,
} from './logistic-loss.js';
import { argmaxRows } from './row-scores.js';

export type LogisticRegressionParams = {
  /** Inverse L2 strength: the objective is C·Σ log-loss + ½‖W‖² (intercepts not penalised). Default 1. */
  C: number;
  /** Most L-BFGS iterations. Default 1000. */
  maxIter: number;
  /** Gradient tolerance. Default 1e-4. */
  tol: number;
  /** Threads the loss is computed on, over ranges of rows; 0 (default): one per core when an evaluation is large enough to share. */
  nJobs: number;
};

/** scipy.optimize.minimize(method='L-BFGS-B')'s default `ftol` (factr 1e7 × machine epsilon). */
const SCIPY_LBFGS_FTOL = 1e7 * Number.EPSILON;

/**
 * Multiply-adds (rows × features × score columns) per evaluation worth worker threads.
 * Digits (1,438 × 64 × 10 = 920k) is past it: in bench:train's process, with the pool's
 * workers running, 41–42 ms a warm fit on two threads against 54 ms on one (a first fit,
 * the workers' code still cold, 72 against 63 ms).
 */
const MIN_SHARED_WORK = 800_000;

export const LOGISTIC_REGRESSION_DEFAULTS: LogisticRegressionParams = { C: 1, maxIter: 1000, tol: 1e-4, nJobs: 0 };

/**
 * L2-regularised logistic regression fitted by L-BFGS, as scikit-learn's
 * LogisticRegression(solver='lbfgs'): one sigmoid model for two classes, a multinomial
 * (softmax) model for more. Classes are indices 0..K-1.
 */
export class LogisticRegression implements SparseLearner {
  readonly sparseInput = true;
  readonly name = 'logistic-regression';
  readonly task = 'classification';
  readonly params: LogisticRegressionParams;
  nClasses = 0;
  nFeatures = 0;
  /** [K', d] row-major, K' = 1 for two classes, else K. */
  coef: Float64Array = new Float64Array(0);
  intercept: Float64Array = new Float64Array(0);
  iterations = 0;
  /** Loss ranges the last fit had computed on worker threads (not saved; tests read it). */
  rangesByWorkers = 0;

  constructor(params: Partial<LogisticRegressionParams> = {}) {
    this.params = withDefaults(this.name, LOGISTIC_REGRESSION_DEFAULTS, params);
    if (!(this.params.C > 0)) throw new Error('C must be > 0');
    if (!(Number.isInteger(this.params.maxIter) && this.params.maxIter > 0))
      throw new Error('maxIter must be a positive integer');
    if (!(Number.isInteger(this.params.nJobs) && this.params.nJobs >= 0))
      throw new Error('nJobs must be an integer >= 0 (0: one thread per core)');
  }

  fit(x: FeatureMatrix, y: ArrayLike<number>, opts: FitOptions = {}): this {
    const { rows: n, cols: d } = x;
    if (y.length !== n) throw new Error(`X has ${n} rows, y has ${y.length}`);
    let k = 0;
    for (let i = 0; i < n; i++) k = Math.max(k, (y[i] as number) + 1);
    if (k < 2) throw new Error('logistic regression needs at least two classes');
    this.nClasses = k;
    this.nFeatures = d;
    const kk = k === 2 ? 1 : k;
    const C = this.params.C;
    const labels = Float64Array.from({ length: n }, (_, i) => y[i] as number);
    const ranges = lossRanges(x, kk);
    const threads = threadCount(this.params.nJobs);
    const perRow = isCsr(x) ? (x.indptr[n] as number) / Math.max(1, n) : d;
    // With nJobs 0 (one thread per core), threads only when an evaluation is worth
    // sharing: below ~1M multiply-adds it takes under a millisecond, and a worker's
    // first evaluations (its code not yet compiled) cost more than the half it takes over
    // (spambase, 3,680 × 57: 36–64 ms a fit alone against 93–155 ms in two threads).
    const parallel = threads > 1 && ranges > 1 && (this.params.nJobs > 0 || n * perRow * kk >= MIN_SHARED_WORK);
    // The weights the loss is evaluated at, in shared memory: L-BFGS's current point is copied in.
    const at = parallel ? new Float64Array(new SharedArrayBuffer((kk * d + kk) * 8)) : new Float64Array(kk * d + kk);
    // Dense rows streamed are copied once into memory every thread reads (and that the
    // streamed pass works in), in place of the copy a worker would get.
    const streamed =
      !isCsr(x) && streamsLoss(x, kk) ? streamDesign(x, kk, parallel ? threads : 1, parallel) : undefined;
    const rows = streamed ? { streamed } : { x: parallel ? sharedMatrix(x) : x };
    const job: LogisticLossJob = {
      ...rows,
      ...(parallel
        ? { y: shared(labels), sampleWeight: opts.sampleWeight && shared(opts.sampleWeight) }
        : { y: labels, sampleWeight: opts.sampleWeight }),
      kk,
      w: at,
      ranges,
      workerGrads: parallel
        ? new Float64Array(new SharedArrayBuffer((threads - 1) * ranges * (kk * d + kk) * 8))
        : undefined,
    };
    // Measured: about 2 ns per row × feature (non-zero, when sparse) × score column, per
    // evaluation; L-BFGS evaluates about a hundred times.
    const estimateMs = n * perRow * kk * 2e-6 * 100;
    const session = new TaskSession<LogisticLossJob, LossPart>(
      siblingModule(import.meta.url, 'logistic-loss'),
      'workerLossRange',
      job,
      parallel ? threads : 1,
      estimateMs,
    );
    // w = [W (kk·d), b (kk)]; C·Σ loss + ½‖W‖² (intercepts not penalised).
    const objective = (w: Float64Array, grad: Float64Array): number => {
      at.set(w);
      const results = session.run(ranges, (r) => logisticLossRange(job, r), opts.signal);
      // Summed in range order, whichever thread computed which.
      return penalise(results, C, w, kk * d, grad);
    };
    let result: ReturnType<typeof lbfgs>;
    try {
      result = lbfgs(objective, new Float64Array(kk * d + kk), {
        gtol: this.params.tol,
        // scikit-learn's lbfgs also stops on scipy's default relative decrease, which is what
        // makes its iteration counts; a tighter `tol` than the default tightens it too, so
        // that asking for a more exact optimum gets one.
        ftol: SCIPY_LBFGS_FTOL * Math.min(1, this.params.tol / LOGISTIC_REGRESSION_DEFAULTS.tol),
        maxIter: this.params.maxIter,
        signal: opts.signal,
        onIteration: (i, loss) =>
          opts.onProgress?.({ stage: 'optimise', fraction: i / this.params.maxIter, metrics: { loss } }),
      });
    } finally {
      session.close();
      releaseResidentRanges(job);
    }
    this.rangesByWorkers = session.ranOnWorkers;
    this.coef = result.w.slice(0, kk * d);
    this.intercept = result.w.slice(kk * d);
    this.iterations = result.iterations;
    return this;
  }

  /** Class probabilities, row-major [n, K]. */
  predictProba(x: FeatureMatrix): Float64Array {
    const { rows: n, cols: d } = x;
    if (d !== this.nFeatures) throw new Error(`the model has ${this.nFeatures} features, X has ${d}`);
    const k = this.nClasses;
    const kk = k === 2 ? 1 : k;
    const out = new Float64Array(n * k);
    const z = new Float64Array(kk);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < kk; c++) z[c] = (this.intercept[c] as number) + rowDot(x, i, this.coef, c * d);
      if (kk === 1) {
        const p = 1 / (1 + Math.exp(-(z[0] as number)));
        out[i * 2] = 1 - p;
        out[i * 2 + 1] = p;
      } else {
        let max = Number.NEGATIVE_INFINITY;
        for (let c = 0; c < k; c++) max = Math.max(max, z[c] as number);
        let sum = 0;
        for (let c = 0; c < k; c++) sum += Math.exp((z[c] as number) - max);
        for (let c = 0; c < k; c++) out[i * k + c] = Math.exp((z[c] as number) - max) / sum;
      }
    }
    return out;
  }

  /** The most probable class of each row. */
  predict(x: FeatureMatrix): Int32Array {
    const p = this.predictProba(x);
    const k = this.nClasses;
    return argmaxRows(p, x.rows, k);
  }

  /** The weights scoring each class (see LinearWeights). */
  linearWeights(): LinearWeights {
    return { coef: this.coef, rows: this.intercept.length, presence: false };
  }

  toArtifact(): Uint8Array {
    return encodeLinearClassifier(this.name, this.params, this, { iterations: this.iterations });
  }

  static fromArtifact(content: ArtifactContent | Uint8Array): LogisticRegression {
    const c = content instanceof Uint8Array ? decodeArtifact(content) : content;
    const m = new LogisticRegression(c.params as Partial<LogisticRegressionParams>);
    restoreLinearClassifier(m, c);
    m.iterations = c.state.iterations as number;
    return m;
  }

  /** ai.onnx.ml LinearClassifier: LOGISTIC for two classes, SOFTMAX for more. */
  addOnnxNodes(graph: OnnxGraphBuilder, input: string): OnnxOutputs {
    return addLinearClassifierNode(graph, input, this, 'probabilities');
  }
}

/**
 * grad = C·Σ_r parts[r].grad + [W, 0] in one pass; returns C·loss + ½‖W‖². The same
 * operations in the same order as a pass per step (the parts summed from zero, then ×C,
 * then +W; the penalty added to C·loss term by term): the same bits, with a text model's
 * 655k-value gradient read and written once instead of four times.
 */
function penalise(parts: LossPart[], C: number, w: Float64Array, penalised: number, grad: Float64Array): number {
  let loss = 0;
  for (const part of parts) loss += part.loss;
  loss *= C;
  const first = (parts[0] as LossPart).grad;
  const rest = parts.slice(1).map((p) => p.grad);
  const second = rest.length === 1 ? (rest[0] as Float64Array) : undefined;
  for (let i = 0; i < grad.length; i++) {
    let g = 0 + (first[i] as number);
    if (second) g += second[i] as number;
    else for (const more of rest) g += more[i] as number;
    g *= C;
    if (i < penalised) {
      const wi = w[i] as number;
      loss += 0.5 * wi * wi;
      g += wi;
    }
    grad[i] = g;
  }
  return loss;
}
