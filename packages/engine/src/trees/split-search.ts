/**
 * The criterion side of growing a CART tree (tree-builder.ts): a node's totals, its leaf
 * value, and the best threshold on one binned feature. One implementation per criterion,
 * so that each hot loop sees one kind of target.
 */
export interface SplitSearch {
  /** Sums the node's rows (idx[start, end)) into the totals the other methods read. */
  setNode(idx: Int32Array, start: number, end: number): void;
  /** True when the node's rows cannot be separated any further (one class, or one value). */
  isPure(): boolean;
  /** Writes the node's prediction (class shares or the mean) at value[at …]. */
  writeLeaf(value: Float64Array, at: number): void;
  /**
   * Searches the thresholds of the feature whose bins for all rows start at `col` in `binned`
   * (nBins bins), for the node's rows. Returns false when the feature is constant in the node.
   * Otherwise `gain` and `bin` hold the best split on it (rows with bins ≤ bin go left;
   * gain −∞ when no threshold leaves minSamplesLeaf rows on each side).
   */
  searchFeature(binned: Uint8Array, col: number, nBins: number, idx: Int32Array, start: number, end: number): boolean;
  gain: number;
  bin: number;
  /**
   * Optional: two features' searches with one pass over the rows, the same results as two
   * searchFeature calls: the first's in `gain` and `bin`, the second's in `gain2` and `bin2`.
   */
  searchTwo?(
    binned: Uint8Array,
    colA: number,
    colB: number,
    idx: Int32Array,
    start: number,
    end: number,
  ): [boolean, boolean];
  gain2?: number;
  bin2?: number;
  /**
   * Optional: where the tree's rows must be kept (n of them), for a search that reads them
   * from its own memory (wasm-gini-split.ts); the builder partitions them there.
   */
  rows?(n: number): Int32Array;
}
