import type { FeatureMatrix } from '../linalg/csr-matrix.js';
import { rowAxpy, rowDot } from '../linalg/row-ops.js';

/**
 * The primal L2-regularised squared-hinge SVM, min ½‖w̃‖² + Σ C_i max(0, 1 − s_i w̃·x̃_i)²
 * with x̃ = [x, 1] (the bias regularised too, as liblinear), by a truncated Newton method:
 * conjugate gradient on the generalised Hessian I + 2 Σ_active C_i x̃ x̃ᵀ (Hessian-vector
 * products only, so O(nnz) per step), then a backtracking line search. This is the
 * approach of liblinear's primal solver (TRON), which scikit-learn's LinearSVC(dual=False)
 * calls; it converges in a few Newton steps when rows outnumber features, where dual
 * coordinate descent needs many passes.
 */
export function solveSquaredHingePrimal(
  x: FeatureMatrix,
  s: Float64Array,
  /** C_i per row: C times the row's weight. */
  cost: Float64Array,
  tol: number,
  maxIter: number,
  signal?: AbortSignal,
): Float64Array {
  const { rows: n, cols: d } = x;
  const p = d + 1;
  const w = new Float64Array(p);
  const z = new Float64Array(n); // s_i · w̃·x̃_i
  const g = new Float64Array(p);
  const dir = new Float64Array(p);
  const r = new Float64Array(p);
  const q = new Float64Array(p);
  const hv = new Float64Array(p);
  const trial = new Float64Array(p);
  const active: number[] = [];

  const margins = (v: Float64Array, out: Float64Array) => {
    for (let i = 0; i < n; i++) out[i] = (s[i] as number) * (rowDot(x, i, v, 0) + (v[d] as number));
  };
  const objective = (v: Float64Array, zz: Float64Array): number => {
    let f = 0;
    for (let j = 0; j < p; j++) f += (v[j] as number) ** 2;
    f *= 0.5;
    for (let i = 0; i < n; i++) {
      const m = 1 - (zz[i] as number);
      if (m > 0) f += (cost[i] as number) * m * m;
    }
    return f;
  };
  const gradient = () => {
    g.set(w);
    active.length = 0;
    for (let i = 0; i < n; i++) {
      const m = 1 - (z[i] as number);
      if (m <= 0) continue;
      active.push(i);
      const coef = -2 * (cost[i] as number) * m * (s[i] as number);
      rowAxpy(x, i, coef, g, 0);
      g[d] = (g[d] as number) + coef;
    }
  };
  // H v = v + 2 Σ_active C_i (x̃_i·v) x̃_i
  const hessianTimes = (v: Float64Array, out: Float64Array) => {
    out.set(v);
    for (const i of active) {
      const t = 2 * (cost[i] as number) * (rowDot(x, i, v, 0) + (v[d] as number));
      rowAxpy(x, i, t, out, 0);
      out[d] = (out[d] as number) + t;
    }
  };
  const norm = (v: Float64Array) => Math.sqrt(dotp(v, v));

  let positives = 0;
  for (let i = 0; i < n; i++) if ((s[i] as number) > 0) positives++;
  margins(w, z);
  let f = objective(w, z);
  gradient();
  // liblinear's stopping rule for this solver, scaled by the smaller class's share.
  const stop = ((tol * Math.max(1, Math.min(positives, n - positives))) / n) * norm(g);
  const zTrial = new Float64Array(n);
  for (let iter = 0; iter < maxIter && norm(g) > stop; iter++) {
    signal?.throwIfAborted();
    // Conjugate gradient for H·dir = −g, truncated at a tenth of the gradient's norm.
    dir.fill(0);
    for (let j = 0; j < p; j++) r[j] = -(g[j] as number);
    q.set(r);
    let rr = dotp(r, r);
    const cgStop = 0.1 * Math.sqrt(rr);
    for (let k = 0; k < 2 * p + 10 && Math.sqrt(rr) > cgStop; k++) {
      hessianTimes(q, hv);
      const alpha = rr / dotp(q, hv);
      for (let j = 0; j < p; j++) {
        dir[j] = (dir[j] as number) + alpha * (q[j] as number);
        r[j] = (r[j] as number) - alpha * (hv[j] as number);
      }
      const rrNext = dotp(r, r);
      const beta = rrNext / rr;
      rr = rrNext;
      for (let j = 0; j < p; j++) q[j] = (r[j] as number) + beta * (q[j] as number);
    }
    // Backtracking (Armijo) along the Newton direction.
    const slope = dotp(g, dir);
    let step = 1;
    let fTrial = f;
    for (let tries = 0; tries < 30; tries++) {
      for (let j = 0; j < p; j++) trial[j] = (w[j] as number) + step * (dir[j] as number);
      margins(trial, zTrial);
      fTrial = objective(trial, zTrial);
      if (fTrial <= f + 0.01 * step * slope) break;
      step /= 2;
    }
    if (!(fTrial < f)) break; // no progress left at machine precision
    w.set(trial);
    z.set(zTrial);
    f = fTrial;
    gradient();
  }
  return w;
}

function dotp(a: Float64Array, b: Float64Array): number {
  let t = 0;
  for (let j = 0; j < a.length; j++) t += (a[j] as number) * (b[j] as number);
  return t;
}
