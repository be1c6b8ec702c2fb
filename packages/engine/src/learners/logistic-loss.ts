import { type FeatureMatrix, isCsr } from '../linalg/csr-matrix.js';
import { matmulTransA, matmulTransB } from '../linalg/gemm.js';
import { ResidentDesign } from '../linalg/resident-design.js';
import { rowAxpy, rowDot } from '../linalg/row-ops.js';
import { type StreamedDesign, streamedPass, streamsScores } from '../linalg/streamed-design.js';
import { SoftmaxRows } from '../linalg/vector-exp.js';

/**
 * The logistic (binary) or multinomial log-loss of weights w over a range of rows, and
 * its gradient: the part of logistic regression's objective that grows with the data.
 * Plain data, so that a worker thread computes some ranges (threads/task-pool.ts).
 */
export interface LogisticLossJob {
  /** The rows, unless they are streamed. */
  x?: FeatureMatrix;
  /** Dense rows too large to keep resident per range, held once for every thread (streamDesign). */
  streamed?: StreamedDesign;
  /** Class index per row. */
  y: Float64Array;
  sampleWeight?: Float64Array;
  /** Score columns: 1 for two classes (one sigmoid), else the number of classes. */
  kk: number;
  /** [W (kk × d), b (kk)] */
  w: Float64Array;
  /** The rows are cut into this many ranges, fixed by the data alone: the sums are then the same on any number of threads. */
  ranges: number;
  /**
   * Shared memory for the gradients workers compute, [slot × ranges × (kk·d + kk)]: a
   * worker's result is then a view the training thread reads in place, not a copy of an
   * array the size of the model (5 MB a range for a text model) allocated every evaluation.
   */
  workerGrads?: Float64Array;
}

export interface LossPart {
  loss: number;
  /** ∂loss/∂w for this range, [kk·d + kk]. */
  grad: Float64Array;
}

/** Multiply-adds (rows × features × score columns) worth a range of their own. */
const WORK_PER_RANGE = 100_000;
const MAX_RANGES = 8;

/**
 * How many ranges the rows are cut into: one for small sets, at most MAX_RANGES. More
 * ranges than threads let a thread that is late to start (a worker waking up) take a
 * smaller share while the others take the rest. Each range returns a whole gradient, so
 * sparse rows over a large vocabulary, whose gradients are long and whose rows are
 * cheap, are cut in two at most.
 */
export function lossRanges(x: FeatureMatrix, kk: number): number {
  const n = x.rows;
  const perRow = isCsr(x) ? (x.indptr[n] as number) / Math.max(1, n) : x.cols;
  const most = isCsr(x) ? 2 : MAX_RANGES;
  return Math.max(1, Math.min(most, Math.floor(n / 128), Math.floor((n * perRow * kk) / WORK_PER_RANGE)));
}

// Scores of one range in WebAssembly memory, reused between calls on the same thread.
let softmax: SoftmaxRows | undefined;

/**
 * Dense data up to this many values (128 MiB) that is not streamed (one score column,
 * more than 12) is kept resident per range (twice: as is and transposed). Past 32 MiB
 * (the limit until 2026-12-05) Fashion-MNIST's 10,000 × 784 went through the shared
 * kernel, which copied every range in at every evaluation: 36 ms an iteration against
 * 26 resident.
 */
let RESIDENT_LIMIT = 16 * 1024 * 1024;

/** Sets the resident limit in values (tests take ranges through the shared kernel with 0). */
export function setResidentLimit(values: number): void {
  RESIDENT_LIMIT = values;
}

/**
 * Whether a fit's rows go through a streamed design (linalg/streamed-design.ts): dense,
 * with 2 to 12 score columns. At every size measured it is the fastest path there
 * (Fashion-MNIST 10k: 27–29 ms an iteration against 32–34 resident; digits and wine
 * no slower), and past the resident limit by far (full Fashion-MNIST: 2.0× the shared
 * kernel's speed). Binary models keep the resident path (their one score column goes
 * through vecmat.wat), and so do more than 12 classes (letters' 26: gemm.wat's blocks).
 */
export function streamsLoss(x: FeatureMatrix, kk: number): boolean {
  return !isCsr(x) && streamsScores(kk);
}

// This thread's resident ranges of a fit, by the fit's weight array (one per fit, and one
// per session on a worker), so that they go when the fit does.
const residentRanges = new WeakMap<Float64Array, Array<ResidentDesign | undefined>>();

function residentRange(
  job: LogisticLossJob,
  x: FeatureMatrix,
  r: number,
  from: number,
  to: number,
): ResidentDesign | undefined {
  if (isCsr(x) || x.rows * x.cols > RESIDENT_LIMIT) return undefined;
  let ranges = residentRanges.get(job.w);
  if (!ranges) {
    ranges = [];
    residentRanges.set(job.w, ranges);
  }
  if (!(r in ranges)) ranges[r] = ResidentDesign.of(x, from, to, job.kk);
  return ranges[r];
}

/** Gives this thread's resident ranges of a fit back for the next fit's (call when the fit is done). */
export function releaseResidentRanges(job: LogisticLossJob): void {
  const ranges = residentRanges.get(job.w);
  if (!ranges) return;
  residentRanges.delete(job.w);
  for (const design of ranges) design?.release();
}

// This thread's gradient buffers of a fit, one per range, by the fit's weight array.
const ownGrads = new WeakMap<Float64Array, Float64Array[]>();

function ownGrad(job: LogisticLossJob, r: number): Float64Array {
  let grads = ownGrads.get(job.w);
  if (!grads) {
    grads = [];
    ownGrads.set(job.w, grads);
  }
  let g = grads[r];
  if (!g) {
    g = new Float64Array(job.w.length);
    grads[r] = g;
  } else g.fill(0);
  return g;
}

/**
 * Range `r` on worker `slot` of a task session, into the shared memory kept for that
 * worker and range. No other thread writes there: a range taken back from a late worker
 * is computed into the training thread's own buffer.
 */
export function workerLossRange(job: LogisticLossJob, r: number, slot: number): LossPart {
  const len = job.w.length;
  const at = (slot * job.ranges + r) * len;
  const into = job.workerGrads?.subarray(at, at + len);
  into?.fill(0);
  return logisticLossRange(job, r, into, slot + 1);
}

/**
 * The loss over range `r` of the job's rows (unregularised, unscaled by C). The gradient
 * goes into `into` (zeroed) when given, else into this thread's buffer for the range,
 * which the next call for the same fit and range overwrites. `slot` is the thread's
 * scratch in a streamed design: 0 on the training thread, a worker's slot + 1.
 */
export function logisticLossRange(job: LogisticLossJob, r: number, into?: Float64Array, slot = 0): LossPart {
  const { y, kk, w, streamed } = job;
  const sw = job.sampleWeight;
  const n = (streamed ?? (job.x as FeatureMatrix)).rows;
  const from = Math.floor((r * n) / job.ranges);
  const to = Math.floor(((r + 1) * n) / job.ranges);
  const grad = into ?? ownGrad(job, r);
  if (streamed) return { loss: streamedPass(streamed, slot).loss(w, y, sw, from, to, grad), grad };
  const x = job.x as FeatureMatrix;
  const d = x.cols;
  const rows = to - from;
  const bias = w.subarray(kk * d, kk * d + kk);
  const design = residentRange(job, x, r, from, to);
  let rowsAt: SoftmaxRows;
  let zs: Float64Array;
  let stride = kk;
  if (design) {
    rowsAt = design.softmax;
    zs = design.scores(w, d);
    stride = design.stride;
  } else {
    softmax ??= new SoftmaxRows();
    rowsAt = softmax;
    zs = softmax.scores(rows, kk);
    if (isCsr(x)) {
      for (let i = 0; i < rows; i++) for (let c = 0; c < kk; c++) zs[i * kk + c] = rowDot(x, from + i, w, c * d);
    } else matmulTransB(x.data.subarray(from * d, to * d), w, rows, d, kk, zs);
  }
  let loss = 0;
  if (kk > 1) {
    // Softmax, loss and residuals w·(p − 1[c = y]) per row in WebAssembly (exp-bound: a
    // Math.exp per score was 60% of a fit on letters).
    loss = rowsAt.residuals(bias, y, sw, from);
    grad.set(rowsAt.biasGradient, kk * d);
  } else {
    // Binary, t = ±1: loss = log(1 + e^{−tz}) = max(−tz, 0) + log1p(e^{−|tz|}) and residual
    // −t·w·σ(−tz), from one e^{−|tz|} per row, in WebAssembly (in JavaScript the loops ran
    // in V8's interpreter for the first fits of a process, and Math.log1p was a call a row).
    loss = rowsAt.logisticResiduals(bias[0] as number, y, sw, from);
    grad[d] = rowsAt.biasGradient[0] as number;
  }
  // ∂/∂W = Rᵀ · X over the range.
  if (design) design.weightGradient(grad, d);
  else if (isCsr(x)) {
    for (let i = 0; i < rows; i++) {
      for (let c = 0; c < kk; c++) rowAxpy(x, from + i, zs[i * kk + c] as number, grad, c * d);
    }
  } else matmulTransA(zs, x.data.subarray(from * d, to * d), rows, kk, d, grad.subarray(0, kk * d));
  return { loss, grad };
}
