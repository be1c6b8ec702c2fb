import { type FeatureMatrix, isCsr } from '../linalg/csr-matrix.js';
import { rowAxpy, rowDot, rowSquaredNorm } from '../linalg/row-ops.js';
import { ResidentSquaredHinge } from '../optim/resident-squared-hinge.js';
import { solveSquaredHingePrimal } from '../optim/squared-hinge-newton.js';
import { MatrixSquaredHinge, type SquaredHingeRows } from '../optim/squared-hinge-rows.js';
import { Rng } from '../random/rng.js';

/**
 * The one-vs-rest problems of a linear SVM fit, as plain data so that worker threads
 * solve some classes (threads/task-pool.ts). Class c's problem depends only on the rows
 * and its seed, so the model is the same whichever thread solves which class.
 */
export interface LinearSvmClasses {
  x: FeatureMatrix;
  /** Class index per row. */
  y: Float64Array;
  nClasses: number;
  /** Each row's C: C times its weight (liblinear's class weights). */
  cost: Float64Array;
  tol: number;
  maxIter: number;
  primal: boolean;
  /** seeds[c] seeds class c's dual coordinate order. */
  seeds: Uint32Array;
}

/** Class c against the rest (for two classes, the single problem: class 1 positive); returns [w, b]. */
export function solveLinearSvmClass(job: LinearSvmClasses, c: number, signal?: AbortSignal): Float64Array {
  const { x, y } = job;
  const n = x.rows;
  const positive = job.nClasses === 2 ? 1 : c;
  const sign = Float64Array.from({ length: n }, (_, i) => ((y[i] as number) === positive ? 1 : -1));
  if (!job.primal) return solveDual(x, sign, job.cost, job.tol, job.maxIter, new Rng(job.seeds[c] as number), signal);
  let positives = 0;
  for (let i = 0; i < n; i++) if ((sign[i] as number) > 0) positives++;
  return solveSquaredHingePrimal(primalRows(job, sign), positives, job.tol, job.maxIter, signal);
}

// Each job's resident copy of X̃ on this thread, made by its first class and kept for the
// others (the job object is the same for every class a thread solves in one fit).
const residents = new WeakMap<LinearSvmClasses, ResidentSquaredHinge | null>();

/** The primal solver's passes for one class: over a resident copy of a dense X, else in JavaScript. */
function primalRows(job: LinearSvmClasses, sign: Float64Array): SquaredHingeRows {
  const { x } = job;
  if (isCsr(x)) return new MatrixSquaredHinge(x, sign, job.cost);
  let resident = residents.get(job);
  if (resident === undefined) {
    resident = ResidentSquaredHinge.of(x, job.cost) ?? null;
    residents.set(job, resident);
  }
  return resident ? resident.forSigns(sign) : new MatrixSquaredHinge(x, sign, job.cost);
}

/** Dual CD for one binary problem (Hsieh et al., 2008); returns [w, b] with b the bias feature's weight. */
function solveDual(
  x: FeatureMatrix,
  s: Float64Array,
  cost: Float64Array,
  tol: number,
  maxIter: number,
  rng: Rng,
  signal?: AbortSignal,
): Float64Array {
  const { rows: n, cols: d } = x;
  // D_ii = 1 / (2 C_i) in the dual of the squared hinge.
  const diag = Float64Array.from(cost, (c) => 1 / (2 * c));
  const w = new Float64Array(d + 1);
  const alpha = new Float64Array(n);
  const qii = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    qii[i] = 1 + rowSquaredNorm(x, i) + (diag[i] as number); // 1: the bias feature
  }
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let iter = 0; iter < maxIter; iter++) {
    if (iter % 10 === 0) signal?.throwIfAborted();
    rng.shuffle(order);
    let pgMax = Number.NEGATIVE_INFINITY;
    let pgMin = Number.POSITIVE_INFINITY;
    for (let t = 0; t < n; t++) {
      const i = order[t] as number;
      if (cost[i] === 0) continue; // a row of weight 0 takes no part
      const yi = s[i] as number;
      const wx = (w[d] as number) + rowDot(x, i, w, 0);
      const a = alpha[i] as number;
      const g = yi * wx - 1 + (diag[i] as number) * a;
      const pg = a === 0 ? Math.min(g, 0) : g;
      if (pg > pgMax) pgMax = pg;
      if (pg < pgMin) pgMin = pg;
      if (pg === 0) continue;
      const next = Math.max(a - g / (qii[i] as number), 0);
      const delta = (next - a) * yi;
      alpha[i] = next;
      if (delta === 0) continue;
      rowAxpy(x, i, delta, w, 0);
      w[d] = (w[d] as number) + delta;
    }
    if (pgMax - pgMin < tol) break;
  }
  return w;
}

/** Work of one class's solve, roughly, in ms on one thread: ~10 ns per stored value per pass, ~20 passes. */
export function classSolveEstimateMs(x: FeatureMatrix): number {
  const stored = isCsr(x) ? (x.indptr[x.rows] as number) : x.rows * x.cols;
  return (stored * 20 * 10) / 1e6;
}
