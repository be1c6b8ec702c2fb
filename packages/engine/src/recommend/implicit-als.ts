import { type FitOptions, withDefaults } from '../learners/learner.js';
import { Rng } from '../random/rng.js';
import type { Csr, Interactions } from './interactions.js';
import type { Recommender } from './recommender.js';

export type ImplicitAlsParams = {
  factors: number;
  iterations: number;
  /** L2 on the factors. */
  reg: number;
  /** Confidence c = 1 + alpha · value (Hu, Koren, Volinsky 2008). */
  alpha: number;
  /** Conjugate-gradient steps per user or item and sweep (Takács, Pilászy, Tikk 2011). */
  cgSteps: number;
};

export const IMPLICIT_ALS_DEFAULTS: ImplicitAlsParams = {
  factors: 32,
  iterations: 15,
  reg: 0.1,
  alpha: 10,
  cgSteps: 3,
};

/**
 * Implicit-feedback matrix factorisation: every (user, item) pair is a preference p = 1
 * when they interacted, else 0, weighted by a confidence c = 1 + α·value; alternating
 * least squares, each user's (item's) least-squares problem solved approximately by a
 * few conjugate-gradient steps from the previous solution, using YᵀY once per sweep so
 * the cost is linear in the interactions.
 */
export class ImplicitAls implements Recommender {
  readonly name = 'als';
  readonly feedback = 'implicit';
  readonly params: ImplicitAlsParams;
  userFactors: Float64Array = new Float64Array(0);
  itemFactors: Float64Array = new Float64Array(0);

  constructor(params: Partial<ImplicitAlsParams> = {}) {
    this.params = withDefaults(this.name, IMPLICIT_ALS_DEFAULTS, params);
    const p = this.params;
    for (const k of ['factors', 'iterations', 'cgSteps'] as const) {
      if (!(Number.isInteger(p[k]) && p[k] >= 1)) throw new Error(`als: ${k} must be a positive integer`);
    }
    if (!(p.reg >= 0 && p.alpha > 0)) throw new Error('als: reg ≥ 0 and alpha > 0');
  }

  fit(data: Interactions, opts: FitOptions = {}): this {
    const f = this.params.factors;
    const rng = new Rng(opts.seed ?? 0);
    const X = Float64Array.from({ length: data.nUsers * f }, () => rng.normal() * 0.01);
    const Y = Float64Array.from({ length: data.nItems * f }, () => rng.normal() * 0.01);
    const byUser = data.byUser();
    const byItem = data.byItem();
    for (let it = 0; it < this.params.iterations; it++) {
      opts.signal?.throwIfAborted();
      this.sweep(X, Y, byUser, data.nUsers);
      this.sweep(Y, X, byItem, data.nItems);
      opts.onProgress?.({ stage: 'iteration', fraction: (it + 1) / this.params.iterations });
    }
    this.userFactors = X;
    this.itemFactors = Y;
    return this;
  }

  /** Updates every row of `A` given the fixed `B`: (BᵀCB + λI) a = BᵀC p. */
  private sweep(A: Float64Array, B: Float64Array, csr: Csr, rows: number): void {
    const { factors: f, reg, alpha, cgSteps } = this.params;
    const nB = B.length / f;
    const BtB = new Float64Array(f * f);
    for (let j = 0; j < nB; j++) {
      for (let a = 0; a < f; a++) {
        const v = B[j * f + a] as number;
        for (let b = 0; b < f; b++) BtB[a * f + b] = (BtB[a * f + b] as number) + v * (B[j * f + b] as number);
      }
    }
    const x = new Float64Array(f);
    const r = new Float64Array(f);
    const p = new Float64Array(f);
    const ap = new Float64Array(f);
    for (let u = 0; u < rows; u++) {
      const start = csr.indptr[u] as number;
      const end = csr.indptr[u + 1] as number;
      for (let k = 0; k < f; k++) x[k] = A[u * f + k] as number;
      // r = b − A x, with b = Σ c_j y_j and A x = BᵀB x + λx + Σ (c_j − 1)(y_j·x) y_j.
      for (let a = 0; a < f; a++) {
        let s = 0;
        for (let b = 0; b < f; b++) s += (BtB[a * f + b] as number) * (x[b] as number);
        r[a] = -s - reg * (x[a] as number);
      }
      for (let t = start; t < end; t++) {
        const j = csr.indices[t] as number;
        const c = 1 + alpha * (csr.values[t] as number);
        let yx = 0;
        for (let k = 0; k < f; k++) yx += (B[j * f + k] as number) * (x[k] as number);
        const w = c - (c - 1) * yx;
        for (let k = 0; k < f; k++) r[k] = (r[k] as number) + w * (B[j * f + k] as number);
      }
      p.set(r);
      let rr = 0;
      for (let k = 0; k < f; k++) rr += (r[k] as number) ** 2;
      for (let step = 0; step < cgSteps && rr > 1e-20; step++) {
        for (let a = 0; a < f; a++) {
          let s = 0;
          for (let b = 0; b < f; b++) s += (BtB[a * f + b] as number) * (p[b] as number);
          ap[a] = s + reg * (p[a] as number);
        }
        for (let t = start; t < end; t++) {
          const j = csr.indices[t] as number;
          const c = 1 + alpha * (csr.values[t] as number);
          let yp = 0;
          for (let k = 0; k < f; k++) yp += (B[j * f + k] as number) * (p[k] as number);
          for (let k = 0; k < f; k++) ap[k] = (ap[k] as number) + (c - 1) * yp * (B[j * f + k] as number);
        }
        let pap = 0;
        for (let k = 0; k < f; k++) pap += (p[k] as number) * (ap[k] as number);
        const step_ = rr / pap;
        let next = 0;
        for (let k = 0; k < f; k++) {
          x[k] = (x[k] as number) + step_ * (p[k] as number);
          r[k] = (r[k] as number) - step_ * (ap[k] as number);
          next += (r[k] as number) ** 2;
        }
        for (let k = 0; k < f; k++) p[k] = (r[k] as number) + (next / rr) * (p[k] as number);
        rr = next;
      }
      for (let k = 0; k < f; k++) A[u * f + k] = x[k] as number;
    }
  }

  scoreItems(user: number): Float64Array {
    const f = this.params.factors;
    const n = this.itemFactors.length / f;
    const out = new Float64Array(n);
    if (user < 0) return out;
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < f; k++)
        s += (this.userFactors[user * f + k] as number) * (this.itemFactors[j * f + k] as number);
      out[j] = s;
    }
    return out;
  }

  state() {
    return { numbers: {}, arrays: { userFactors: this.userFactors, itemFactors: this.itemFactors } };
  }

  static restore(params: Partial<ImplicitAlsParams>, s: { arrays: Record<string, unknown> }): ImplicitAls {
    const m = new ImplicitAls(params);
    m.userFactors = s.arrays.userFactors as Float64Array;
    m.itemFactors = s.arrays.itemFactors as Float64Array;
    return m;
  }
}
