import type { FeatureMatrix } from '../linalg/csr-matrix.js';
import { rowAxpy, rowDot } from '../linalg/row-ops.js';

/**
 * The passes over the rows of X̃ = [X, 1] that the squared-hinge Newton solver makes
 * (squared-hinge-newton.ts), for one binary problem: signs s_i = ±1 and costs C_i per row.
 * Vectors are `vector()`s of `width` doubles (the weights, then the bias at index
 * `cols`, then zeros); the solver keeps its margins here, current and trial.
 */
export interface SquaredHingeRows {
  readonly rows: number;
  /** Features before the bias. */
  readonly cols: number;
  /** Doubles in a vector: cols + 1, or more (zeros) where the passes want it. */
  readonly width: number;
  /** A new zero vector. */
  vector(): Float64Array;
  /** Trial margins z_i = s_i·x̃_i·v; returns Σ C_i max(0, 1 − z_i)². */
  trialLoss(v: Float64Array): number;
  /** The trial margins become the current ones. */
  accept(): void;
  /** g = w + Σ_active −2 C_i (1 − z_i) s_i x̃_i over the current margins; the active rows (z_i < 1) are kept for `newtonDirection`. */
  gradient(w: Float64Array, g: Float64Array): void;
  /**
   * dir ≈ −H⁻¹g, H = I + 2 Σ_active C_i x̃_i x̃_iᵀ (the generalised Hessian at the last
   * `gradient`), by conjugate gradient stopped at a tenth of ‖g‖ or after maxSteps.
   */
  newtonDirection(g: Float64Array, dir: Float64Array, maxSteps: number): void;
}

/** The passes in JavaScript over any feature matrix, dense or sparse (through row-ops). */
export class MatrixSquaredHinge implements SquaredHingeRows {
  readonly rows: number;
  readonly cols: number;
  readonly width: number;
  private z: Float64Array;
  private zTrial: Float64Array;
  private readonly active: number[] = [];
  private readonly r: Float64Array;
  private readonly q: Float64Array;
  private readonly hv: Float64Array;

  constructor(
    private readonly x: FeatureMatrix,
    private readonly s: Float64Array,
    private readonly cost: Float64Array,
  ) {
    this.rows = x.rows;
    this.cols = x.cols;
    this.width = x.cols + 1;
    this.z = new Float64Array(x.rows);
    this.zTrial = new Float64Array(x.rows);
    this.r = this.vector();
    this.q = this.vector();
    this.hv = this.vector();
  }

  vector(): Float64Array {
    return new Float64Array(this.width);
  }

  trialLoss(v: Float64Array): number {
    const { x, s, cost, zTrial, rows: n, cols: d } = this;
    let f = 0;
    for (let i = 0; i < n; i++) {
      const zi = (s[i] as number) * (rowDot(x, i, v, 0) + (v[d] as number));
      zTrial[i] = zi;
      const m = 1 - zi;
      if (m > 0) f += (cost[i] as number) * m * m;
    }
    return f;
  }

  accept(): void {
    [this.z, this.zTrial] = [this.zTrial, this.z];
  }

  gradient(w: Float64Array, g: Float64Array): void {
    const { x, s, cost, z, active, rows: n, cols: d } = this;
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
  }

  newtonDirection(g: Float64Array, dir: Float64Array, maxSteps: number): void {
    const { r, q, hv, width: p } = this;
    dir.fill(0);
    for (let j = 0; j < p; j++) r[j] = -(g[j] as number);
    q.set(r);
    let rr = dot(r, r);
    const stop = 0.1 * Math.sqrt(rr);
    for (let k = 0; k < maxSteps && Math.sqrt(rr) > stop; k++) {
      this.hessianTimes(q, hv);
      const alpha = rr / dot(q, hv);
      for (let j = 0; j < p; j++) {
        dir[j] = (dir[j] as number) + alpha * (q[j] as number);
        r[j] = (r[j] as number) - alpha * (hv[j] as number);
      }
      const rrNext = dot(r, r);
      const beta = rrNext / rr;
      rr = rrNext;
      for (let j = 0; j < p; j++) q[j] = (r[j] as number) + beta * (q[j] as number);
    }
  }

  // H v = v + 2 Σ_active C_i (x̃_i·v) x̃_i
  private hessianTimes(v: Float64Array, out: Float64Array): void {
    const { x, cost, cols: d } = this;
    out.set(v);
    for (const i of this.active) {
      const t = 2 * (cost[i] as number) * (rowDot(x, i, v, 0) + (v[d] as number));
      rowAxpy(x, i, t, out, 0);
      out[d] = (out[d] as number) + t;
    }
  }
}

export function dot(a: Float64Array, b: Float64Array): number {
  let t = 0;
  for (let j = 0; j < a.length; j++) t += (a[j] as number) * (b[j] as number);
  return t;
}
