import { type FitOptions, withDefaults } from '../learners/learner.js';
import { choleskyInverse } from '../linalg/cholesky.js';
import type { Interactions } from './interactions.js';
import type { Recommender } from './recommender.js';

export type EaseParams = {
  /** L2 regularisation λ of the item-item weights (Steck 2019 used 500 on MovieLens 20M; smaller data wants less: 50 by default, chosen on InstEval and the baskets). */
  lambda: number;
};

export const EASE_DEFAULTS: EaseParams = { lambda: 50 };

/** The items × items weights are kept in memory and in the artifact: this many items at most. */
export const EASE_MAX_ITEMS = 4_000;

/**
 * EASE (Steck 2019, "Embarrassingly Shallow Autoencoders for Sparse Data"): item-item
 * weights B minimising ‖X − XB‖² + λ‖B‖² with a zero diagonal, in closed form:
 * P = (XᵀX + λI)⁻¹, B_ij = −P_ij / P_jj, B_jj = 0. A user's score for item j is
 * Σ_i x_ui B_ij over the items they chose. Exact and deterministic; its cost is one
 * items × items inverse, so it suits catalogues of up to a few thousand items.
 */
export class Ease implements Recommender {
  readonly name = 'ease';
  readonly feedback = 'implicit';
  readonly params: EaseParams;
  nItems = 0;
  /** B, row-major [nItems × nItems]. */
  weights: Float64Array = new Float64Array(0);
  private seen: { indptr: Int32Array; indices: Int32Array; values: Float64Array } | undefined;

  constructor(params: Partial<EaseParams> = {}) {
    this.params = withDefaults(this.name, EASE_DEFAULTS, params);
    if (!(this.params.lambda > 0)) throw new Error('ease: lambda must be > 0');
  }

  fit(data: Interactions, opts: FitOptions = {}): this {
    const n = data.nItems;
    if (n > EASE_MAX_ITEMS)
      throw new Error(`ease keeps an items × items matrix: at most ${EASE_MAX_ITEMS} items, this data has ${n}`);
    const byUser = data.byUser();
    // G = XᵀX + λI, accumulated user by user over their items.
    const g = new Float64Array(n * n);
    for (let u = 0; u < data.nUsers; u++) {
      if (u % 512 === 0) opts.signal?.throwIfAborted();
      const from = byUser.indptr[u] as number;
      const to = byUser.indptr[u + 1] as number;
      for (let s = from; s < to; s++) {
        const i = byUser.indices[s] as number;
        const vi = byUser.values[s] as number;
        for (let r = from; r < to; r++) {
          const j = byUser.indices[r] as number;
          g[i * n + j] = (g[i * n + j] as number) + vi * (byUser.values[r] as number);
        }
      }
    }
    for (let i = 0; i < n; i++) g[i * n + i] = (g[i * n + i] as number) + this.params.lambda;
    opts.onProgress?.({ stage: 'gram', fraction: 0.3 });
    const p = choleskyInverse(g, n);
    opts.signal?.throwIfAborted();
    const b = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) b[i * n + j] = i === j ? 0 : -(p[i * n + j] as number) / (p[j * n + j] as number);
    }
    opts.onProgress?.({ stage: 'weights', fraction: 1 });
    this.nItems = n;
    this.weights = b;
    this.seen = byUser;
    return this;
  }

  /** Scores from a set of chosen items (for users, or a basket no one has seen). */
  scoreFrom(items: ArrayLike<number>, values?: ArrayLike<number>): Float64Array {
    const n = this.nItems;
    const out = new Float64Array(n);
    for (let t = 0; t < items.length; t++) {
      const row = (items[t] as number) * n;
      const w = values ? (values[t] as number) : 1;
      for (let j = 0; j < n; j++) out[j] = (out[j] as number) + w * (this.weights[row + j] as number);
    }
    return out;
  }

  scoreItems(user: number): Float64Array {
    const seen = this.seen;
    if (!seen || user < 0 || user >= seen.indptr.length - 1) return new Float64Array(this.nItems);
    const from = seen.indptr[user] as number;
    const to = seen.indptr[user + 1] as number;
    return this.scoreFrom(seen.indices.subarray(from, to), seen.values.subarray(from, to));
  }

  state() {
    const seen = this.seen ?? { indptr: new Int32Array(1), indices: new Int32Array(0), values: new Float64Array(0) };
    return {
      numbers: { nItems: this.nItems },
      arrays: { weights: this.weights, seenIndptr: seen.indptr, seenIndices: seen.indices, seenValues: seen.values },
    };
  }

  static restore(
    params: Partial<EaseParams>,
    s: { numbers: Record<string, unknown>; arrays: Record<string, unknown> },
  ): Ease {
    const m = new Ease(params);
    m.nItems = s.numbers.nItems as number;
    m.weights = s.arrays.weights as Float64Array;
    m.seen = {
      indptr: s.arrays.seenIndptr as Int32Array,
      indices: s.arrays.seenIndices as Int32Array,
      values: s.arrays.seenValues as Float64Array,
    };
    return m;
  }
}
