import { Rng } from '../random/rng.js';
import type { KernelSpec } from './kernel.js';
import { KernelRows } from './kernel-rows.js';
import { fitPlatt } from './platt-scaling.js';
import { type BinarySvm, solveSmo } from './smo-solver.js';

/**
 * Everything the one-vs-one pairs of a kernel SVM fit share, as plain data so that a
 * worker thread can solve pairs too. Pair p is the p-th (a, b), a < b, in (0,1), (0,2),
 * …, (1,2) order; it depends only on its rows and its seed, so the model is the same
 * whichever thread solves which pair.
 */
export interface PairJob {
  /** Row-major features, [rows × d] (a SharedArrayBuffer when shared with workers). */
  x: Float64Array;
  d: number;
  /** Class index per row. */
  y: Int32Array;
  nClasses: number;
  /** Each row's upper bound on α: C times its weight. */
  cost: Float64Array;
  spec: KernelSpec;
  tol: number;
  maxIter: number;
  /** Fit Platt scaling on 5-fold decision values (five more solves per pair). */
  probability: boolean;
  /** seeds[p] seeds pair p's fold split. */
  seeds: Uint32Array;
}

export interface PairResult extends BinarySvm {
  plattA?: number;
  plattB?: number;
}

/** The classes (a, b) of pair p. */
export function pairClasses(nClasses: number, p: number): [number, number] {
  let q = p;
  for (let a = 0; a < nClasses; a++) {
    const inRow = nClasses - 1 - a;
    if (q < inRow) return [a, a + 1 + q];
    q -= inRow;
  }
  throw new RangeError(`no pair ${p} among ${nClasses} classes`);
}

/** Pair p of the job: class a is +1, class b −1; support indices are rows of x. */
export function solvePair(job: PairJob, p: number, signal?: AbortSignal): PairResult {
  const [a, b] = pairClasses(job.nClasses, p);
  const picked: number[] = [];
  for (let r = 0; r < job.y.length; r++) if (job.y[r] === a) picked.push(r);
  for (let r = 0; r < job.y.length; r++) if (job.y[r] === b) picked.push(r);
  const rows = Int32Array.from(picked);
  const sign = Float64Array.from(rows, (r) => (job.y[r] === a ? 1 : -1));
  const m = solve(job, rows, sign, signal);
  if (!job.probability) return m;
  const { A, B } = calibrate(job, rows, sign, new Rng(job.seeds[p] as number), signal);
  return { ...m, plattA: A, plattB: B };
}

function solve(job: PairJob, rows: Int32Array, sign: Float64Array, signal?: AbortSignal): BinarySvm {
  const cost = Float64Array.from(rows, (r) => job.cost[r] as number);
  return solveSmo(job.x, job.d, rows, sign, cost, job.spec, job.tol, job.maxIter, signal);
}

/** Platt scaling from 5-fold cross-validated decision values of one pair (libsvm's svm_binary_svc_probability). */
function calibrate(
  job: PairJob,
  rows: Int32Array,
  sign: Float64Array,
  rng: Rng,
  signal?: AbortSignal,
): { A: number; B: number } {
  const n = rows.length;
  const order = rng.shuffle(Int32Array.from({ length: n }, (_, i) => i));
  const folds = Math.min(5, n);
  const decision = new Float64Array(n);
  for (let f = 0; f < folds; f++) {
    const test = order.filter((_, i) => i % folds === f);
    const train = order.filter((_, i) => i % folds !== f);
    const trainRows = Int32Array.from(train, (i) => rows[i] as number);
    const trainSign = Float64Array.from(train, (i) => sign[i] as number);
    const hasBoth = trainSign.some((v) => v > 0) && trainSign.some((v) => v < 0);
    if (!hasBoth) {
      for (const i of test) decision[i] = trainSign[0] as number;
      continue;
    }
    const m = solve(job, trainRows, trainSign, signal);
    foldDecisions(
      job,
      m,
      Int32Array.from(test, (i) => rows[i] as number),
      (k, v) => {
        decision[test[k] as number] = v;
      },
    );
  }
  return fitPlatt(
    decision,
    Uint8Array.from(sign, (v) => (v > 0 ? 1 : 0)),
  );
}

/**
 * A fold's decision values, `set(k, value)` for its k-th row of x: the rows' kernel values
 * against the support vectors as a prediction computes them (kernel-rows.ts, four rows a
 * product), not entry by entry.
 */
function foldDecisions(
  job: PairJob,
  m: BinarySvm,
  testRows: Int32Array,
  set: (k: number, value: number) => void,
): void {
  const { x, d, spec } = job;
  const nsv = m.support.length;
  const svRows = new KernelRows(x, d, m.support, spec, 4);
  const block = new Float64Array(4 * d);
  const kv = new Float64Array(4 * nsv);
  for (let k0 = 0; k0 < testRows.length; k0 += 4) {
    const count = Math.min(4, testRows.length - k0);
    for (let r = 0; r < count; r++) {
      const from = (testRows[k0 + r] as number) * d;
      block.set(x.subarray(from, from + d), r * d);
    }
    svRows.against4(block, 0, count, kv);
    for (let r = 0; r < count; r++) {
      let v = -m.rho;
      for (let t = 0; t < nsv; t++) v += (m.dualCoef[t] as number) * (kv[r * nsv + t] as number);
      set(k0 + r, v);
    }
  }
  svRows.release();
}
