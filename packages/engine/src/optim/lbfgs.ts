import { lbfgsVectors } from './lbfgs-vectors.js';

/** Objective for minimisation: returns f(w) and writes ∇f(w) into `grad`. */
export type Objective = (w: Float64Array, grad: Float64Array) => number;

export interface LbfgsOptions {
  /** Stop when the largest gradient component falls below this (scipy's `gtol`). Default 1e-4. */
  gtol: number;
  /** Most iterations. Default 1000. */
  maxIter: number;
  /** History pairs kept. Default 10 (scipy's default). */
  memory: number;
  /**
   * Stop when an iteration lowers f by no more than this, relative to max(|f|, 1)
   * (scipy's `ftol`, whose L-BFGS-B default is 2.2e-9). Default 1e-12.
   */
  ftol: number;
  signal?: AbortSignal;
  onIteration?: (iteration: number, loss: number) => void;
}

export interface LbfgsResult {
  w: Float64Array;
  loss: number;
  iterations: number;
  converged: boolean;
}

/**
 * Limited-memory BFGS with a backtracking (Armijo) line search, for smooth convex
 * objectives such as regularised logistic loss. Cancellable through `signal` between
 * iterations (throws the signal's reason).
 */
export function lbfgs(f: Objective, w0: Float64Array, options: Partial<LbfgsOptions> = {}): LbfgsResult {
  const { gtol = 1e-4, maxIter = 1000, memory = 10, ftol = 1e-12, signal, onIteration } = options;
  const n = w0.length;
  // w, g, their next values, dir, and the history's pairs with a spare pair.
  const v = lbfgsVectors(n, 5 + 2 * (memory + 1));
  let w = v.take();
  w.set(w0);
  let g = v.take();
  let loss = f(w, g);
  const sHist: Float64Array[] = [];
  const yHist: Float64Array[] = [];
  const rhoHist: number[] = [];
  const dir = v.take();
  const alpha = new Float64Array(memory);
  let wNew = v.take();
  let gNew = v.take();
  let spareS: Float64Array | undefined;
  let spareY: Float64Array | undefined;
  let iter = 0;
  for (; iter < maxIter; iter++) {
    if (v.maxAbs(g) < gtol) return { w: w.slice(), loss, iterations: iter, converged: true };
    signal?.throwIfAborted();
    // Two-loop recursion: dir = −H g. Each pass that updates dir also takes the next
    // pass's dot product with it: on text models of 10⁵–10⁶ weights the loops are
    // memory-bound, and one pass over dir does both.
    const k = sHist.length;
    let slope: number;
    if (k === 0) {
      v.negate(g, dir);
      // First step: scale so that it moves about one unit.
      const norm = Math.sqrt(v.dot(dir, dir));
      if (norm > 0) v.divideBy(dir, Math.max(norm, 1));
      slope = v.dot(g, dir);
    } else {
      const sLast = sHist[k - 1] as Float64Array;
      let d = v.scaledDot(g, -1, dir, sLast);
      for (let j = k - 1; j >= 0; j--) {
        const a = (rhoHist[j] as number) * d;
        alpha[j] = a;
        const y = yHist[j] as Float64Array;
        const next = j > 0 ? (sHist[j - 1] as Float64Array) : undefined;
        d = 0;
        if (next) d = v.axpyDot(-a, y, dir, next);
        else v.axpy(-a, y, dir);
      }
      const s0 = sLast;
      const y0 = yHist[k - 1] as Float64Array;
      const gamma = v.dot(s0, y0) / v.dot(y0, y0);
      d = v.scaledDot(dir, gamma, dir, yHist[0] as Float64Array);
      for (let j = 0; j < k; j++) {
        const c = (alpha[j] as number) - (rhoHist[j] as number) * d;
        // The last pass takes the slope along dir, ∇f·dir.
        const next = j + 1 < k ? (yHist[j + 1] as Float64Array) : g;
        d = v.axpyDot(c, sHist[j] as Float64Array, dir, next);
      }
      slope = d;
    }
    if (!(slope < 0)) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      sHist.length = yHist.length = rhoHist.length = 0;
      v.negate(g, dir);
      slope = v.dot(g, dir);
    }
    let step = 1;
    let newLoss = Number.POSITIVE_INFINITY;
    for (let ls = 0; ls < 40; ls++) {
      v.stepFrom(w, step, dir, wNew);
      newLoss = f(wNew, gNew);
      if (newLoss <= loss + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(newLoss <= loss)) return { w: w.slice(), loss, iterations: iter, converged: false };
    // The new pair goes into spare arrays (the oldest pair's, once the history is full).
    const s = spareS ?? v.take();
    const y = spareY ?? v.take();
    const sy = v.differences(wNew, w, gNew, g, s, y);
    spareS = s;
    spareY = y;
    if (sy > 1e-10) {
      spareS = spareY = undefined;
      if (sHist.length === memory) {
        spareS = sHist.shift();
        spareY = yHist.shift();
        rhoHist.shift();
      }
      sHist.push(s);
      yHist.push(y);
      rhoHist.push(1 / sy);
    }
    [w, wNew] = [wNew, w];
    [g, gNew] = [gNew, g];
    const improvement = loss - newLoss;
    loss = newLoss;
    onIteration?.(iter + 1, loss);
    if (improvement <= ftol * Math.max(Math.abs(loss), Math.abs(loss + improvement), 1)) {
      // scipy reports this as convergence too (REL_REDUCTION_OF_F_<=_FACTR*EPSMCH).
      return { w: w.slice(), loss, iterations: iter + 1, converged: true };
    }
  }
  return { w: w.slice(), loss, iterations: iter, converged: v.maxAbs(g) < gtol };
}
