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
  let w = Float64Array.from(w0);
  let g = new Float64Array(n);
  let loss = f(w, g);
  const sHist: Float64Array[] = [];
  const yHist: Float64Array[] = [];
  const rhoHist: number[] = [];
  const dir = new Float64Array(n);
  const alpha = new Float64Array(memory);
  let wNew = new Float64Array(n);
  let gNew = new Float64Array(n);
  let iter = 0;
  for (; iter < maxIter; iter++) {
    if (maxAbs(g) < gtol) return { w, loss, iterations: iter, converged: true };
    signal?.throwIfAborted();
    // Two-loop recursion: dir = −H g.
    for (let i = 0; i < n; i++) dir[i] = -(g[i] as number);
    const k = sHist.length;
    for (let j = k - 1; j >= 0; j--) {
      const a = (rhoHist[j] as number) * dot(sHist[j] as Float64Array, dir);
      alpha[j] = a;
      axpy(-a, yHist[j] as Float64Array, dir);
    }
    if (k > 0) {
      const s = sHist[k - 1] as Float64Array;
      const y = yHist[k - 1] as Float64Array;
      const gamma = dot(s, y) / dot(y, y);
      for (let i = 0; i < n; i++) dir[i] = (dir[i] as number) * gamma;
    } else {
      // First step: scale so that it moves about one unit.
      const norm = Math.sqrt(dot(dir, dir));
      if (norm > 0) for (let i = 0; i < n; i++) dir[i] = (dir[i] as number) / Math.max(norm, 1);
    }
    for (let j = 0; j < k; j++) {
      const b = (rhoHist[j] as number) * dot(yHist[j] as Float64Array, dir);
      axpy((alpha[j] as number) - b, sHist[j] as Float64Array, dir);
    }
    let slope = dot(g, dir);
    if (!(slope < 0)) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      sHist.length = yHist.length = rhoHist.length = 0;
      for (let i = 0; i < n; i++) dir[i] = -(g[i] as number);
      slope = dot(g, dir);
    }
    let step = 1;
    let newLoss = Number.POSITIVE_INFINITY;
    for (let ls = 0; ls < 40; ls++) {
      for (let i = 0; i < n; i++) wNew[i] = (w[i] as number) + step * (dir[i] as number);
      newLoss = f(wNew, gNew);
      if (newLoss <= loss + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(newLoss <= loss)) return { w, loss, iterations: iter, converged: false };
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = (wNew[i] as number) - (w[i] as number);
      y[i] = (gNew[i] as number) - (g[i] as number);
    }
    const sy = dot(s, y);
    if (sy > 1e-10) {
      if (sHist.length === memory) {
        sHist.shift();
        yHist.shift();
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
      return { w, loss, iterations: iter + 1, converged: true };
    }
  }
  return { w, loss, iterations: iter, converged: maxAbs(g) < gtol };
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < x.length; i++) y[i] = (y[i] as number) + a * (x[i] as number);
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] as number));
  return m;
}
