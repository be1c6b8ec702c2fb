import type { KernelSpec } from './kernel.js';
import { KernelRows, kernelFromDot } from './kernel-rows.js';
import { SmoWorkspace } from './smo-workspace.js';

export interface BinarySvm {
  /** Indices (into the rows given) of the support vectors. */
  support: Int32Array;
  /** α_i · y_i of each support vector. */
  dualCoef: Float64Array;
  /** f(x) = Σ dualCoef_i k(sv_i, x) − rho */
  rho: number;
}

const TAU = 1e-12;

/** Kernel rows cached per solve: 64 MiB, libsvm's cache_size ballpark (it defaults to 200 MB). */
const CACHE_BYTES = 64 * 1024 * 1024;

/**
 * C-SVC by SMO with second-order working-set selection (Fan, Chen and Lin 2005; libsvm's
 * solver). `rows` pick the training rows of x; y is ±1 per picked row; `cost` is each
 * picked row's upper bound C_i (C times its weight, as libsvm's weighted C). Kernel rows
 * are computed on demand and kept in a bounded cache. When the whole kernel matrix fits
 * `cacheBytes` (and the kernel is RBF or linear) the iterations run in WebAssembly
 * (SmoWorkspace.iterate), else in the JavaScript loop below: the same steps, the same bits.
 */
export function solveSmo(
  x: Float64Array,
  d: number,
  rows: Int32Array,
  yIn: Float64Array,
  costIn: Float64Array,
  spec: KernelSpec,
  tol: number,
  maxIter: number,
  signal?: AbortSignal,
  cacheBytes = CACHE_BYTES,
): BinarySvm {
  const n = rows.length;
  const inWasm = spec.type !== 'poly' && SmoWorkspace.heldBytes(n, d) <= cacheBytes;
  // The per-row arrays live in the workspace's WebAssembly memory, where its two passes
  // over the rows read them; y and the bounds are copied in.
  const ws = SmoWorkspace.forRows(n, inWasm ? d : 0);
  const { alpha, grad, diag, up } = ws;
  const y = ws.y;
  const cost = ws.cost;
  y.set(yIn);
  cost.set(costIn);
  alpha.fill(0);
  grad.fill(-1);
  const kernelRows = inWasm ? undefined : new KernelRows(x, d, rows, spec);
  if (kernelRows) for (let i = 0; i < n; i++) diag[i] = kernelRows.diagonal(i);
  else {
    ws.holdRows(x, rows);
    const norms = ws.norms;
    for (let i = 0; i < n; i++)
      diag[i] = kernelFromDot(spec, norms[i] as number, norms[i] as number, norms[i] as number);
  }
  // Membership of I_up as 0 (in) or −∞ (out), added to −y·G: the gradient pass then tests
  // no sign or bound.
  for (let t = 0; t < n; t++) setUp(t, y, alpha, cost, up);
  // The first selection is an update by zero (zero rows: G stays −1 exactly).
  ws.ki.fill(0);
  ws.kj.fill(0);
  const i = ws.updateGradient(0, 0);
  const gMax = ws.found[0] as number;
  if (kernelRows) {
    iterateHere(ws, kernelRows, n, i, gMax, tol, maxIter, signal);
    kernelRows.release();
  } else {
    const negGamma = spec.type === 'rbf' ? -spec.gamma : undefined;
    for (let done = 0; done < maxIter; done += ITERATIONS_PER_CALL) {
      signal?.throwIfAborted();
      const count = Math.min(ITERATIONS_PER_CALL, maxIter - done);
      if (ws.iterate(count, tol, negGamma, done === 0 ? { i, gMax } : undefined) >= 0) break;
    }
  }
  const solved = {
    support: supportOf(rows, alpha),
    dualCoef: dualCoefOf(alpha, y),
    rho: offsetOf(n, y, alpha, cost, grad),
  };
  SmoWorkspace.solved();
  return solved;
}

/** Iterations per call into WebAssembly: the abort signal is looked at between calls, as the loop does every 1000. */
const ITERATIONS_PER_CALL = 1000;

/** The iterations in JavaScript, from working row i (kernel rows through a slab or an LRU cache). */
function iterateHere(
  ws: SmoWorkspace,
  kernelRows: KernelRows,
  n: number,
  first: number,
  firstMax: number,
  tol: number,
  maxIter: number,
  signal?: AbortSignal,
): void {
  const { alpha, grad, diag, up, y, cost } = ws;
  const maxCached = Math.max(2, Math.floor(CACHE_BYTES / (8 * n)));
  const kRow = maxCached >= n ? slabRows(kernelRows, n) : lruRows(kernelRows, n, maxCached);
  let i = first;
  let gMax = firstMax;
  for (let iter = 0; iter < maxIter; iter++) {
    if (iter % 1000 === 0) signal?.throwIfAborted();
    if (i < 0) break;
    const ki = kRow(i);
    ws.ki.set(ki);
    const j = ws.partner(i, gMax);
    const gMin = ws.found[0] as number;
    if (gMax - gMin < tol || j < 0) break;
    const kj = kRow(j);
    const yi = y[i] as number;
    const yj = y[j] as number;
    const oldAi = alpha[i] as number;
    const oldAj = alpha[j] as number;
    const Ci = cost[i] as number;
    const Cj = cost[j] as number;
    // Two-variable update with box constraints (libsvm's update rule).
    let quad = (diag[i] as number) + (diag[j] as number) - 2 * yi * yj * (ki[j] as number);
    if (quad <= 0) quad = TAU;
    if (yi !== yj) {
      const delta = (-(grad[i] as number) - (grad[j] as number)) / quad;
      const diff = oldAi - oldAj;
      let ai = oldAi + delta;
      let aj = oldAj + delta;
      if (diff > 0 && aj < 0) {
        aj = 0;
        ai = diff;
      } else if (diff <= 0 && ai < 0) {
        ai = 0;
        aj = -diff;
      }
      if (diff > Ci - Cj) {
        if (ai > Ci) {
          ai = Ci;
          aj = Ci - diff;
        }
      } else if (aj > Cj) {
        aj = Cj;
        ai = Cj + diff;
      }
      alpha[i] = ai;
      alpha[j] = aj;
    } else {
      const delta = ((grad[i] as number) - (grad[j] as number)) / quad;
      const sum = oldAi + oldAj;
      let ai = oldAi - delta;
      let aj = oldAj + delta;
      if (sum > Ci) {
        if (ai > Ci) {
          ai = Ci;
          aj = sum - Ci;
        }
      } else if (aj < 0) {
        aj = 0;
        ai = sum;
      }
      if (sum > Cj) {
        if (aj > Cj) {
          aj = Cj;
          ai = sum - Cj;
        }
      } else if (ai < 0) {
        ai = 0;
        aj = sum;
      }
      alpha[i] = ai;
      alpha[j] = aj;
    }
    const dAi = (alpha[i] as number) - oldAi;
    const dAj = (alpha[j] as number) - oldAj;
    setUp(i, y, alpha, cost, up);
    setUp(j, y, alpha, cost, up);
    ws.kj.set(kj);
    i = ws.updateGradient(yi * dAi, yj * dAj);
    gMax = ws.found[0] as number;
  }
}

// In the JavaScript loop, the passes over the rows each iteration makes are in
// WebAssembly (smo-workspace.ts), and the cold code after the loop is in functions of its
// own: as one function with the loop, it was compiled on stack replacement and thrown
// out again each time the code after it ran for the first time (no type feedback there
// yet): the first fits of a process ran mostly in the interpreter (breast cancer: 40-60 ms
// against 5 once warm). Where the kernel matrix fits the cache, the whole loop is in
// WebAssembly (smo-loop.wat): breast cancer's fits 2-3 1.5-1.9 ms against 2.5-3.5 with
// the loop here, once warm 1.07 against 1.25; digits' (45 pairs on two threads) 15.5 ms
// against 18 once warm.

/**
 * Kernel rows by index when all n fit the cache's budget, each computed the first time
 * it is asked for, into chunks of 64 rows allocated as they fill (a Map and an array per
 * row cost more than the rows of a small pair; a whole n × n slab up front, zeroed, costs
 * more than the rows a pair ever asks for).
 */
function slabRows(kernelRows: KernelRows, n: number): (i: number) => Float64Array {
  const rows: Array<Float64Array | undefined> = new Array(n).fill(undefined);
  let chunk = new Float64Array(0);
  let used = ROWS_PER_CHUNK;
  return (i) => {
    let r = rows[i];
    if (!r) {
      if (used === ROWS_PER_CHUNK) {
        chunk = new Float64Array(ROWS_PER_CHUNK * n);
        used = 0;
      }
      r = chunk.subarray(used * n, (used + 1) * n);
      used++;
      kernelRows.row(i, r);
      rows[i] = r;
    }
    return r;
  };
}

const ROWS_PER_CHUNK = 64;

/** Kernel rows in a cache of `maxCached` rows, the least recently used evicted first. */
function lruRows(kernelRows: KernelRows, n: number, maxCached: number): (i: number) => Float64Array {
  const cache = new Map<number, Float64Array>();
  return (i) => {
    let r = cache.get(i);
    if (r) {
      // Least recently used goes first: row i, just used, is never the one evicted for
      // row j, whose array is reused for the new row.
      cache.delete(i);
      cache.set(i, r);
      return r;
    }
    if (cache.size >= maxCached) {
      const oldest = cache.keys().next().value as number;
      r = cache.get(oldest) as Float64Array;
      cache.delete(oldest);
    } else r = new Float64Array(n);
    kernelRows.row(i, r);
    cache.set(i, r);
    return r;
  };
}

/** Row t's membership of I_up (α below its bound on y's side), as 0 or −∞. */
function setUp(t: number, y: Float64Array, alpha: Float64Array, cost: Float64Array, up: Float64Array): void {
  const yt = y[t] as number;
  const at = alpha[t] as number;
  up[t] = (yt > 0 && at < (cost[t] as number)) || (yt < 0 && at > 0) ? 0 : Number.NEGATIVE_INFINITY;
}

/** ρ: the mean of y_i G_i over free vectors, else the middle of the feasible range. */
function offsetOf(n: number, y: Float64Array, alpha: Float64Array, cost: Float64Array, grad: Float64Array): number {
  let sum = 0;
  let free = 0;
  let ub = Number.POSITIVE_INFINITY;
  let lb = Number.NEGATIVE_INFINITY;
  for (let t = 0; t < n; t++) {
    const yg = (y[t] as number) * (grad[t] as number);
    const at = alpha[t] as number;
    const Ct = cost[t] as number;
    if (at > 0 && at < Ct) {
      sum += yg;
      free++;
    } else if ((at === 0 && (y[t] as number) > 0) || (at === Ct && (y[t] as number) < 0)) ub = Math.min(ub, yg);
    else lb = Math.max(lb, yg);
  }
  return free > 0 ? sum / free : (ub + lb) / 2;
}

/** The rows (of x) of the support vectors: α > 0. */
function supportOf(rows: Int32Array, alpha: Float64Array): Int32Array {
  const support: number[] = [];
  for (let t = 0; t < alpha.length; t++) if ((alpha[t] as number) > 0) support.push(rows[t] as number);
  return Int32Array.from(support);
}

/** α·y of the support vectors, in supportOf's order. */
function dualCoefOf(alpha: Float64Array, y: Float64Array): Float64Array {
  const coef: number[] = [];
  for (let t = 0; t < alpha.length; t++) {
    if ((alpha[t] as number) > 0) coef.push((alpha[t] as number) * (y[t] as number));
  }
  return Float64Array.from(coef);
}
