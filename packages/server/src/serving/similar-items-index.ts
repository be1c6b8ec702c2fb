import hnswlib from 'hnswlib-node';

// A CommonJS addon: its classes come off the default export under ESM.
const { HierarchicalNSW } = hnswlib;
type HierarchicalNSW = InstanceType<typeof HierarchicalNSW>;

/** From this many items on, similar items come from an approximate index. */
export const APPROXIMATE_FROM = 20_000;

/**
 * Approximate nearest items by cosine over item factors: an HNSW graph (hnswlib) built
 * once per model version, for catalogues too large to scan on every request.
 */
export class SimilarItemsIndex {
  private constructor(private readonly index: HierarchicalNSW) {}

  static build(factors: Float64Array, nItems: number): SimilarItemsIndex {
    const f = factors.length / nItems;
    const index = new HierarchicalNSW('cosine', f);
    index.initIndex(nItems, 16, 200, 100);
    for (let i = 0; i < nItems; i++) index.addPoint(Array.from(factors.subarray(i * f, (i + 1) * f)), i);
    index.setEf(Math.max(50, 2 * 20));
    return new SimilarItemsIndex(index);
  }

  /** The k items nearest to `item` (itself left out), with their cosine similarity. */
  nearest(factors: Float64Array, item: number, k: number): Array<{ index: number; score: number }> {
    const f = factors.length / this.index.getCurrentCount();
    this.index.setEf(Math.max(50, 2 * (k + 1)));
    const found = this.index.searchKnn(Array.from(factors.subarray(item * f, (item + 1) * f)), k + 1);
    return found.neighbors
      .map((index, j) => ({ index, score: 1 - (found.distances[j] as number) }))
      .filter((n) => n.index !== item)
      .slice(0, k);
  }
}
