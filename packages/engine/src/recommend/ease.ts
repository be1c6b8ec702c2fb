import { type FitOptions, withDefaults } from '../learners/learner.js';
import { choleskyInverse } from '../linalg/cholesky.js';
import type { Interactions } from './interactions.js';
import type { Recommender } from './recommender.js';
import { type SeenItems, scoreSeen, seenArrays, seenFromArrays } from './seen-items.js';

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
  private seen: SeenItems | undefined;

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
    return scoreSeen(this.seen, user, this.nItems, (items, values) => this.scoreFrom(items, values));
  }

  state() {
    return {
      numbers: { nItems: this.nItems },
      arrays: { weights: this.weights, ...seenArrays(this.seen) },
    };
  }

  static restore(
    params: Partial<EaseParams>,
    s: { numbers: Record<string, unknown>; arrays: Record<string, unknown> },
  ): Ease {
    const m = new Ease(params);
    m.nItems = s.numbers.nItems as number;
    m.weights = s.arrays.weights as Float64Array;
    m.seen = seenFromArrays(s.arrays);
    return m;
  }
}
