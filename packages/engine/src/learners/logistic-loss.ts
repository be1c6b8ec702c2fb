import { type FeatureMatrix, isCsr } from '../linalg/csr-matrix.js';
import { matmulTransA, matmulTransB } from '../linalg/gemm.js';
import { rowAxpy, rowDot } from '../linalg/row-ops.js';

/**
 * The logistic (binary) or multinomial log-loss of weights w over a range of rows, and
 * its gradient: the part of logistic regression's objective that grows with the data.
 * Plain data, so that a worker thread computes some ranges (threads/task-pool.ts).
 */
export interface LogisticLossJob {
  x: FeatureMatrix;
  /** Class index per row. */
  y: Float64Array;
  sampleWeight?: Float64Array;
  /** Score columns: 1 for two classes (one sigmoid), else the number of classes. */
  kk: number;
  /** [W (kk × d), b (kk)] */
  w: Float64Array;
  /** The rows are cut into this many ranges, fixed by the data alone: the sums are then the same on any number of threads. */
  ranges: number;
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

// Scores of one range, reused between calls on the same thread.
let scratch = new Float64Array(0);

/** The loss over range `r` of the job's rows (unregularised, unscaled by C). */
export function logisticLossRange(job: LogisticLossJob, r: number): LossPart {
  const { x, y, kk, w } = job;
  const sw = job.sampleWeight;
  const n = x.rows;
  const d = x.cols;
  const from = Math.floor((r * n) / job.ranges);
  const to = Math.floor(((r + 1) * n) / job.ranges);
  const rows = to - from;
  if (scratch.length < rows * kk) scratch = new Float64Array(rows * kk);
  const zs = scratch.subarray(0, rows * kk);
  const grad = new Float64Array(kk * d + kk);
  const bias = w.subarray(kk * d, kk * d + kk);
  if (isCsr(x)) {
    for (let i = 0; i < rows; i++) for (let c = 0; c < kk; c++) zs[i * kk + c] = rowDot(x, from + i, w, c * d);
  } else matmulTransB(x.data.subarray(from * d, to * d), w, rows, d, kk, zs);
  let loss = 0;
  for (let i = 0; i < rows; i++) {
    const yi = y[from + i] as number;
    const row = i * kk;
    const wi = sw ? (sw[from + i] as number) : 1;
    if (kk === 1) {
      // Binary: p = σ(z), loss = log(1 + e^{−t z}) with t = ±1.
      const t = yi === 1 ? 1 : -1;
      const tz = t * ((zs[row] as number) + (bias[0] as number));
      loss += wi * (tz > 0 ? Math.log1p(Math.exp(-tz)) : -tz + Math.log1p(Math.exp(tz)));
      const res = (-t * wi) / (1 + Math.exp(tz));
      zs[row] = res;
      grad[d] = (grad[d] as number) + res;
      continue;
    }
    // Softmax in three passes over the row: scores and their max; e^{z−max} and Σe;
    // the residuals w·(p − 1[c = y]) with the intercepts' gradient.
    let max = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < kk; c++) {
      const z = (zs[row + c] as number) + (bias[c] as number);
      zs[row + c] = z;
      if (z > max) max = z;
    }
    const zy = zs[row + yi] as number;
    let sum = 0;
    for (let c = 0; c < kk; c++) {
      const e = Math.exp((zs[row + c] as number) - max);
      zs[row + c] = e;
      sum += e;
    }
    loss += wi * (max + Math.log(sum) - zy);
    const scale = wi / sum;
    for (let c = 0; c < kk; c++) {
      const res = (zs[row + c] as number) * scale - (c === yi ? wi : 0);
      zs[row + c] = res;
      grad[kk * d + c] = (grad[kk * d + c] as number) + res;
    }
  }
  // ∂/∂W = Rᵀ · X over the range.
  if (isCsr(x)) {
    for (let i = 0; i < rows; i++) {
      for (let c = 0; c < kk; c++) rowAxpy(x, from + i, zs[i * kk + c] as number, grad, c * d);
    }
  } else matmulTransA(zs, x.data.subarray(from * d, to * d), rows, kk, d, grad.subarray(0, kk * d));
  return { loss, grad };
}
