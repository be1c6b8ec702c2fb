import type { MarketStore } from './market-store.js';

export type FacetName = 'task' | 'tag' | 'license' | 'owner';
export type FacetCountsAnswer = Record<FacetName, Array<{ value: string; count: number }>>;

const MAX_VALUES = 50;

/**
 * Facet counts for a search, from an in-memory copy of every listing's facets: counting
 * a broad match in SQL (a join and a GROUP BY over every matching listing's facet rows)
 * cost more than the search itself. The copy is reloaded when the store's facet revision
 * moves, which every write to the facets bumps in its transaction, so a change made by
 * any node is seen at the next search.
 */
export class FacetCounts {
  private revision = -1;
  /** model id → its (facet, value) pairs, as indexes into `values`. */
  private byModel = new Map<number, Int32Array>();
  private values: Array<{ facet: FacetName; value: string }> = [];
  private loading: Promise<void> | undefined;

  constructor(private readonly store: MarketStore) {}

  async count(modelIds: ArrayLike<number>): Promise<FacetCountsAnswer> {
    await this.fresh();
    const counts = new Int32Array(this.values.length);
    for (let i = 0; i < modelIds.length; i++) {
      const pairs = this.byModel.get(modelIds[i] as number);
      if (pairs) for (let j = 0; j < pairs.length; j++) (counts[pairs[j] as number] as number)++;
    }
    const order = Array.from(counts.keys())
      .filter((k) => (counts[k] as number) > 0)
      .sort((a, b) => {
        const byCount = (counts[b] as number) - (counts[a] as number);
        if (byCount) return byCount;
        const va = (this.values[a] as { value: string }).value;
        const vb = (this.values[b] as { value: string }).value;
        return va < vb ? -1 : va > vb ? 1 : 0;
      });
    const out: FacetCountsAnswer = { task: [], tag: [], license: [], owner: [] };
    for (const k of order) {
      const { facet, value } = this.values[k] as { facet: FacetName; value: string };
      const list = out[facet];
      if (list && list.length < MAX_VALUES) list.push({ value, count: counts[k] as number });
    }
    return out;
  }

  private async fresh(): Promise<void> {
    if ((await this.store.facetRevision()) === this.revision) return;
    this.loading ??= this.load().finally(() => {
      this.loading = undefined;
    });
    await this.loading;
  }

  private async load(): Promise<void> {
    const { revision, rows } = await this.store.allFacets();
    const index = new Map<string, number>();
    const values: FacetCounts['values'] = [];
    const pairs = new Map<number, number[]>();
    for (const r of rows) {
      const key = `${r.facet}\u0000${r.value}`;
      let k = index.get(key);
      if (k === undefined) {
        k = values.length;
        index.set(key, k);
        values.push({ facet: r.facet as FacetName, value: r.value });
      }
      const list = pairs.get(r.model_id);
      if (list) list.push(k);
      else pairs.set(r.model_id, [k]);
    }
    this.byModel = new Map([...pairs].map(([id, ks]) => [id, Int32Array.from(ks)]));
    this.values = values;
    this.revision = revision;
  }
}
