import { decodeArtifact, encodeArtifact } from '../artifact/artifact-format.js';
import type { FitOptions } from '../learners/learner.js';
import { Ease } from './ease.js';
import type { Csr, Interactions } from './interactions.js';
import { ItemKnn } from './item-knn.js';
import { Popularity } from './popularity.js';
import { topK } from './ranking-metrics.js';
import type { Recommender } from './recommender.js';
import { recommenderDefinition } from './recommender-registry.js';

export interface Recommendation {
  items: string[];
  scores: number[];
  /** True when the user was unknown and the most popular items were given instead. */
  fallback: boolean;
}

/**
 * A trained recommender as the platform keeps it: user and item names, the recommender,
 * what each user has already seen (to leave out), and item popularity (the fallback for
 * users the model does not know). One artifact.
 */
export class RecommenderModel {
  private userIndex: Map<string, number>;
  private itemIndex: Map<string, number>;

  constructor(
    readonly algorithm: string,
    readonly users: string[],
    readonly items: string[],
    readonly recommender: Recommender,
    readonly seen: Csr,
    readonly popularity: Float64Array,
    /** Context columns the model learned from, with their values in code order. */
    readonly context: Array<{ name: string; values: string[] }> = [],
  ) {
    this.userIndex = new Map(users.map((u, j) => [u, j]));
    this.itemIndex = new Map(items.map((it, j) => [it, j]));
    this.contextIndex = context.map((c) => new Map(c.values.map((v, j) => [v, j])));
  }

  private contextIndex: Array<Map<string, number>>;

  static fit(
    data: Interactions,
    algorithm: string,
    params: Record<string, unknown> = {},
    opts: FitOptions = {},
  ): RecommenderModel {
    const recommender = recommenderDefinition(algorithm).create(params).fit(data, opts);
    const popularity = new Popularity().fit(data).scores;
    const context = data.context.map((c) => ({ name: c.name, values: c.values }));
    return new RecommenderModel(algorithm, data.users, data.items, recommender, data.byUser(), popularity, context);
  }

  get feedback(): 'explicit' | 'implicit' {
    return this.recommender.feedback;
  }

  knowsUser(user: string): boolean {
    return this.userIndex.has(user);
  }

  /** The k best items for a user (unknown users: the most popular), best first. */
  recommend(user: string, k: number, excludeSeen = true): Recommendation {
    const u = this.userIndex.get(user);
    const fallback = u === undefined;
    const scores = fallback ? this.popularity : this.recommender.scoreItems(u);
    const exclude = !fallback && excludeSeen ? this.seenBy(u) : undefined;
    const best = topK(scores, k, exclude);
    return {
      items: Array.from(best, (j) => this.items[j] as string),
      scores: Array.from(best, (j) => scores[j] as number),
      fallback,
    };
  }

  /** The learned item vectors, [items × factors], for models that have them (MF, ALS). */
  get itemFactors(): Float64Array | undefined {
    return (this.recommender as unknown as { itemFactors?: Float64Array }).itemFactors;
  }

  /** An item's index, or undefined. */
  itemIndexOf(item: string): number | undefined {
    return this.itemIndex.get(item);
  }

  /** Items like a given one: cosine of item factors, or the k-NN neighbours. */
  similarItems(item: string, k: number): { items: string[]; scores: number[] } {
    const i = this.itemIndex.get(item);
    if (i === undefined) throw new Error(`unknown item "${item}"`);
    const r = this.recommender;
    let scores: Float64Array;
    if (r instanceof ItemKnn || r instanceof Ease) {
      scores = r.scoreFrom([i]);
    } else {
      const factors = this.itemFactors;
      if (!factors) throw new Error(`${this.algorithm} has no notion of similar items`);
      scores = cosineToAll(factors, i, factors.length / this.items.length);
    }
    const best = topK(scores, k, new Set([i]));
    return {
      items: Array.from(best, (j) => this.items[j] as string),
      scores: Array.from(best, (j) => scores[j] as number),
    };
  }

  /**
   * Explicit models: the predicted rating, with the interaction's context by column name
   * when the model learned context (unknown users, items or context values use what is known).
   */
  predictRating(user: string, item: string, context: Record<string, unknown> = {}): number {
    if (!this.recommender.predictRating)
      throw new Error(`${this.algorithm} learns from implicit feedback: it predicts no ratings`);
    const codes = this.context.map((c, j) => {
      const v = context[c.name];
      return v === undefined || v === null ? -1 : ((this.contextIndex[j] as Map<string, number>).get(String(v)) ?? -1);
    });
    return this.recommender.predictRating(this.userIndex.get(user) ?? -1, this.itemIndex.get(item) ?? -1, codes);
  }

  private seenBy(u: number): Set<number> {
    return new Set(this.seen.indices.subarray(this.seen.indptr[u] as number, this.seen.indptr[u + 1] as number));
  }

  toArtifact(): Uint8Array {
    const s = this.recommender.state();
    const arrays: Record<string, Float64Array | Int32Array> = {
      seenIndptr: this.seen.indptr,
      seenIndices: this.seen.indices,
      seenValues: this.seen.values,
      popularity: this.popularity,
    };
    for (const [k, v] of Object.entries(s.arrays)) arrays[`r_${k}`] = v;
    return encodeArtifact({
      learner: 'recommender',
      params: { ...this.recommender.params },
      state: {
        algorithm: this.algorithm,
        users: this.users,
        items: this.items,
        numbers: s.numbers,
        context: this.context,
      },
      arrays,
    });
  }

  static fromArtifact(bytes: Uint8Array): RecommenderModel {
    const c = decodeArtifact(bytes);
    if (c.learner !== 'recommender') throw new Error(`not a recommender artifact (it holds "${c.learner}")`);
    const algorithm = c.state.algorithm as string;
    const arrays = Object.fromEntries(
      Object.entries(c.arrays)
        .filter(([k]) => k.startsWith('r_'))
        .map(([k, v]) => [k.slice(2), v]),
    );
    const recommender = recommenderDefinition(algorithm).restore(c.params, {
      numbers: c.state.numbers as Record<string, number>,
      arrays,
    });
    return new RecommenderModel(
      algorithm,
      c.state.users as string[],
      c.state.items as string[],
      recommender,
      {
        indptr: c.arrays.seenIndptr as Int32Array,
        indices: c.arrays.seenIndices as Int32Array,
        values: c.arrays.seenValues as Float64Array,
      },
      c.arrays.popularity as Float64Array,
      (c.state.context as Array<{ name: string; values: string[] }> | undefined) ?? [],
    );
  }
}

function cosineToAll(factors: Float64Array, i: number, f: number): Float64Array {
  const n = factors.length / f;
  const out = new Float64Array(n);
  let ni = 0;
  for (let k = 0; k < f; k++) ni += (factors[i * f + k] as number) ** 2;
  for (let j = 0; j < n; j++) {
    let dot = 0;
    let nj = 0;
    for (let k = 0; k < f; k++) {
      const v = factors[j * f + k] as number;
      dot += (factors[i * f + k] as number) * v;
      nj += v * v;
    }
    out[j] = dot / (Math.sqrt(ni * nj) || 1);
  }
  return out;
}
