import type { SplitSearch } from './split-search.js';

/**
 * Gini impurity for K classes. A node's score is Σ_c w_c² / W (larger is purer; a split's
 * gain is its children's scores minus the node's). The scan over thresholds updates Σ_c w_c²
 * of both sides in the loop that moves a bin's class weights left (one pass over K a bin,
 * empty cells skipped, where recomputing both sides took three). With integer weights
 * (bootstrap counts) every sum is exact, so the incremental sums equal recomputed ones to
 * the bit. The histogram ([bin × class] weights) is filled in one pass over the node's
 * rows and emptied as it is scanned: bins the node does not reach are never touched.
 */
export class GiniSplit implements SplitSearch {
  gain = Number.NEGATIVE_INFINITY;
  bin = -1;
  protected readonly total: Float64Array;
  protected readonly left: Float64Array;
  private readonly hist: Float64Array;
  private readonly count = new Int32Array(256);
  /** searchTwo's second feature: its histogram and counts, and its result. */
  private readonly hist2: Float64Array;
  private readonly count2 = new Int32Array(256);
  gain2 = Number.NEGATIVE_INFINITY;
  bin2 = -1;
  protected totalWeight = 0;
  protected totalSquares = 0;
  protected nodeRows = 0;

  /** `sums`: where the node's class weights (`total`) and the scan's `left` live, when not in arrays of their own. */
  constructor(
    private readonly labels: Int32Array,
    private readonly weight: Float64Array,
    protected readonly nClasses: number,
    protected readonly minSamplesLeaf: number,
    sums?: { total: Float64Array; left: Float64Array },
  ) {
    this.total = sums?.total ?? new Float64Array(nClasses);
    this.left = sums?.left ?? new Float64Array(nClasses);
    const histBins = sums ? 0 : 256;
    this.hist = new Float64Array(histBins * nClasses);
    this.hist2 = new Float64Array(histBins * nClasses);
  }

  setNode(idx: Int32Array, start: number, end: number): void {
    const { total, labels, weight } = this;
    total.fill(0);
    let w = 0;
    for (let i = start; i < end; i++) {
      const r = idx[i] as number;
      const c = labels[r] as number;
      const wr = weight[r] as number;
      total[c] = (total[c] as number) + wr;
    }
    let sq = 0;
    for (let c = 0; c < this.nClasses; c++) {
      const v = total[c] as number;
      w += v;
      sq += v * v;
    }
    this.totalWeight = w;
    this.totalSquares = sq;
    this.nodeRows = end - start;
  }

  isPure(): boolean {
    let nonzero = 0;
    for (let c = 0; c < this.nClasses; c++) if ((this.total[c] as number) > 0) nonzero++;
    return nonzero <= 1;
  }

  writeLeaf(value: Float64Array, at: number): void {
    const sum = this.totalWeight;
    for (let c = 0; c < this.nClasses; c++) value[at + c] = sum > 0 ? (this.total[c] as number) / sum : 0;
  }

  searchFeature(binned: Uint8Array, col: number, _nBins: number, idx: Int32Array, start: number, end: number): boolean {
    const { hist, count, labels, weight, nClasses: K } = this;
    let minBin = 255;
    let maxBin = 0;
    for (let i = start; i < end; i++) {
      const r = idx[i] as number;
      const b = binned[col + r] as number;
      if (b < minBin) minBin = b;
      if (b > maxBin) maxBin = b;
      count[b] = (count[b] as number) + 1;
      const o = b * K + (labels[r] as number);
      hist[o] = (hist[o] as number) + (weight[r] as number);
    }
    return this.scan(hist, count, minBin, maxBin);
  }

  /**
   * Two features with one pass over the node's rows (a row's index, label and weight read
   * once for both, and the two histograms' updates, which wait on each other when rows
   * share a bin, overlapping): the first's result in `gain` and `bin`, the second's in
   * `gain2` and `bin2`; `[first, second]` non-constant. The same sums in the same order
   * as two searchFeature calls.
   */
  searchTwo(
    binned: Uint8Array,
    colA: number,
    colB: number,
    idx: Int32Array,
    start: number,
    end: number,
  ): [boolean, boolean] {
    const { hist, count, hist2, count2, labels, weight, nClasses: K } = this;
    let minA = 255;
    let maxA = 0;
    let minB = 255;
    let maxB = 0;
    for (let i = start; i < end; i++) {
      const r = idx[i] as number;
      const label = labels[r] as number;
      const w = weight[r] as number;
      const a = binned[colA + r] as number;
      const b = binned[colB + r] as number;
      if (a < minA) minA = a;
      if (a > maxA) maxA = a;
      if (b < minB) minB = b;
      if (b > maxB) maxB = b;
      count[a] = (count[a] as number) + 1;
      count2[b] = (count2[b] as number) + 1;
      const oa = a * K + label;
      const ob = b * K + label;
      hist[oa] = (hist[oa] as number) + w;
      hist2[ob] = (hist2[ob] as number) + w;
    }
    const second = this.scan(hist2, count2, minB, maxB);
    const gain2 = this.gain;
    const bin2 = this.bin;
    const first = this.scan(hist, count, minA, maxA);
    this.gain2 = gain2;
    this.bin2 = bin2;
    return [first, second];
  }

  /** The best threshold from a filled histogram, emptying it; false when one bin holds every row. */
  private scan(hist: Float64Array, count: Int32Array, minBin: number, maxBin: number): boolean {
    const K = this.nClasses;
    this.gain = Number.NEGATIVE_INFINITY;
    this.bin = -1;
    if (minBin === maxBin) {
      count[minBin] = 0;
      hist.fill(0, minBin * K, minBin * K + K);
      return false;
    }
    const { total, left } = this;
    left.fill(0);
    const parent = this.totalSquares / this.totalWeight;
    let leftWeight = 0;
    let leftSquares = 0;
    let rightSquares = this.totalSquares;
    let leftRows = 0;
    for (let b = minBin; b < maxBin; b++) {
      const rows = count[b] as number;
      if (rows === 0) continue;
      count[b] = 0;
      const base = b * K;
      for (let c = 0; c < K; c++) {
        const h = hist[base + c] as number;
        if (h === 0) continue;
        hist[base + c] = 0;
        const l = left[c] as number;
        leftSquares += h * (2 * l + h);
        rightSquares += h * (h - 2 * ((total[c] as number) - l));
        left[c] = l + h;
        leftWeight += h;
      }
      leftRows += rows;
      this.consider(b, leftRows, leftWeight, leftSquares, rightSquares, parent);
    }
    count[maxBin] = 0;
    hist.fill(0, maxBin * K, maxBin * K + K);
    return true;
  }

  private consider(
    b: number,
    leftRows: number,
    leftWeight: number,
    leftSquares: number,
    rightSquares: number,
    parent: number,
  ): void {
    const rightRows = this.nodeRows - leftRows;
    if (leftRows < this.minSamplesLeaf || rightRows < this.minSamplesLeaf) return;
    const gain = leftSquares / leftWeight + rightSquares / (this.totalWeight - leftWeight) - parent;
    if (gain > this.gain) {
      this.gain = gain;
      this.bin = b;
    }
  }
}
