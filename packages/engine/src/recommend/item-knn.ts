import { type FitOptions, withDefaults } from '../learners/learner.js';
import type { Interactions } from './interactions.js';
import type { Recommender } from './recommender.js';
import { type SeenItems, scoreSeen, seenArrays, seenFromArrays } from './seen-items.js';

export type ItemKnnParams = {
  /** Neighbours kept per item. */
  neighbours: number;
  /** Shrinkage: sim = a·b / (‖a‖‖b‖ + shrink), damping similarities built on few users. */
  shrink: number;
};

export const ITEM_KNN_DEFAULTS: ItemKnnParams = { neighbours: 50, shrink: 10 };

/**
 * Item-based k-nearest neighbours: items are vectors over users (interaction values), a
 * pair's similarity is their cosine with shrinkage, each item keeps its `neighbours` most
 * similar, and a user's score for an item sums its similarity to the items they chose
 * (weighted by their values).
 */
export class ItemKnn implements Recommender {
  readonly name = 'item-knn';
  readonly feedback = 'implicit';
  readonly params: ItemKnnParams;
  /** Per item: neighbour indices and similarities, CSR. */
  indptr: Int32Array = new Int32Array(1);
  neighbours: Int32Array = new Int32Array(0);
  similarity: Float64Array = new Float64Array(0);
  /** Each user's items and values (what scores are built from). */
  private seen: SeenItems | undefined;

  constructor(params: Partial<ItemKnnParams> = {}) {
    this.params = withDefaults(this.name, ITEM_KNN_DEFAULTS, params);
    if (!(Number.isInteger(this.params.neighbours) && this.params.neighbours >= 1 && this.params.shrink >= 0)) {
      throw new Error('item-knn: neighbours ≥ 1 and shrink ≥ 0');
    }
  }

  fit(data: Interactions, opts: FitOptions = {}): this {
    const nItems = data.nItems;
    const byUser = data.byUser();
    const norm = new Float64Array(nItems);
    for (let t = 0; t < data.length; t++) {
      const i = data.i[t] as number;
      norm[i] = (norm[i] as number) + (data.value[t] as number) ** 2;
    }
    for (let i = 0; i < nItems; i++) norm[i] = Math.sqrt(norm[i] as number);
    // Co-occurrence per item, one row at a time, through each user who chose it.
    const byItem = data.byItem();
    const dot = new Float64Array(nItems);
    const touched: number[] = [];
    const indptr = new Int32Array(nItems + 1);
    const nbrs: number[] = [];
    const sims: number[] = [];
    for (let i = 0; i < nItems; i++) {
      if (i % 256 === 0) opts.signal?.throwIfAborted();
      for (let t = byItem.indptr[i] as number; t < (byItem.indptr[i + 1] as number); t++) {
        const u = byItem.indices[t] as number;
        const vi = byItem.values[t] as number;
        for (let s = byUser.indptr[u] as number; s < (byUser.indptr[u + 1] as number); s++) {
          const j = byUser.indices[s] as number;
          if (j === i) continue;
          if (dot[j] === 0) touched.push(j);
          dot[j] = (dot[j] as number) + vi * (byUser.values[s] as number);
        }
      }
      const candidates = touched.map((j) => ({
        j,
        s: (dot[j] as number) / ((norm[i] as number) * (norm[j] as number) + this.params.shrink),
      }));
      candidates.sort((a, b) => b.s - a.s || a.j - b.j);
      for (const c of candidates.slice(0, this.params.neighbours)) {
        nbrs.push(c.j);
        sims.push(c.s);
      }
      indptr[i + 1] = nbrs.length;
      for (const j of touched) dot[j] = 0;
      touched.length = 0;
      if (i % 256 === 0) opts.onProgress?.({ stage: 'item', fraction: (i + 1) / nItems });
    }
    this.indptr = indptr;
    this.neighbours = Int32Array.from(nbrs);
    this.similarity = Float64Array.from(sims);
    this.seen = byUser;
    return this;
  }

  /** Scores from a set of chosen items (for users, or a basket no one has seen). */
  scoreFrom(items: ArrayLike<number>, values?: ArrayLike<number>): Float64Array {
    const out = new Float64Array(this.indptr.length - 1);
    for (let t = 0; t < items.length; t++) {
      const i = items[t] as number;
      const w = values ? (values[t] as number) : 1;
      for (let s = this.indptr[i] as number; s < (this.indptr[i + 1] as number); s++) {
        const j = this.neighbours[s] as number;
        out[j] = (out[j] as number) + w * (this.similarity[s] as number);
      }
    }
    return out;
  }

  scoreItems(user: number): Float64Array {
    return scoreSeen(this.seen, user, this.indptr.length - 1, (items, values) => this.scoreFrom(items, values));
  }

  state() {
    return {
      numbers: {},
      arrays: {
        indptr: this.indptr,
        neighbours: this.neighbours,
        similarity: this.similarity,
        ...seenArrays(this.seen),
      },
    };
  }

  static restore(params: Partial<ItemKnnParams>, s: { arrays: Record<string, unknown> }): ItemKnn {
    const m = new ItemKnn(params);
    m.indptr = s.arrays.indptr as Int32Array;
    m.neighbours = s.arrays.neighbours as Int32Array;
    m.similarity = s.arrays.similarity as Float64Array;
    m.seen = seenFromArrays(s.arrays);
    return m;
  }
}
