import { dot, type SquaredHingeRows } from './squared-hinge-rows.js';

/**
 * The primal L2-regularised squared-hinge SVM, min ½‖w̃‖² + Σ C_i max(0, 1 − s_i w̃·x̃_i)²
 * with x̃ = [x, 1] (the bias regularised too, as liblinear), by a truncated Newton method:
 * conjugate gradient on the generalised Hessian I + 2 Σ_active C_i x̃ x̃ᵀ (Hessian-vector
 * products only, so O(nnz) per step), then a backtracking line search. This is the
 * approach of liblinear's primal solver (TRON), which scikit-learn's LinearSVC(dual=False)
 * calls; it converges in a few Newton steps when rows outnumber features, where dual
 * coordinate descent needs many passes. The passes over the rows are `rows`'
 * (squared-hinge-rows.ts: JavaScript over any matrix, or WebAssembly over a resident
 * copy); returns [w, b].
 */
export function solveSquaredHingePrimal(
  rows: SquaredHingeRows,
  /** Rows with s_i = +1. */
  positives: number,
  tol: number,
  maxIter: number,
  signal?: AbortSignal,
): Float64Array {
  const { rows: n, cols: d } = rows;
  const w = rows.vector();
  const g = rows.vector();
  const dir = rows.vector();
  const trial = rows.vector();
  const p = rows.width;
  const norm = (v: Float64Array) => Math.sqrt(dot(v, v));

  let f = rows.trialLoss(w);
  rows.accept();
  rows.gradient(w, g);
  // liblinear's stopping rule for this solver, scaled by the smaller class's share.
  const stop = ((tol * Math.max(1, Math.min(positives, n - positives))) / n) * norm(g);
  for (let iter = 0; iter < maxIter && norm(g) > stop; iter++) {
    signal?.throwIfAborted();
    rows.newtonDirection(g, dir, 2 * (d + 1) + 10);
    // Backtracking (Armijo) along the Newton direction.
    const slope = dot(g, dir);
    let step = 1;
    let fTrial = f;
    for (let tries = 0; tries < 30; tries++) {
      for (let j = 0; j < p; j++) trial[j] = (w[j] as number) + step * (dir[j] as number);
      fTrial = 0.5 * dot(trial, trial) + rows.trialLoss(trial);
      if (fTrial <= f + 0.01 * step * slope) break;
      step /= 2;
    }
    if (!(fTrial < f)) break; // no progress left at machine precision
    w.set(trial);
    rows.accept();
    f = fTrial;
    rows.gradient(w, g);
  }
  return w.slice(0, d + 1);
}
