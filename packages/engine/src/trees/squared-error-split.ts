import type { SplitSearch } from './split-search.js';

/**
 * Squared error for regression. A node's score is (Σ w y)² / Σ w (larger is better; a
 * split's gain is its children's scores minus the node's), found from a [bin × (w, wy, wy²)]
 * histogram filled in one pass over the node's rows.
 */
export class SquaredErrorSplit implements SplitSearch {
  gain = Number.NEGATIVE_INFINITY;
  bin = -1;
  private readonly hist = new Float64Array(256 * 3);
  private readonly count = new Int32Array(256);
  private w = 0;
  private wy = 0;
  private wyy = 0;
  private nodeRows = 0;

  constructor(
    private readonly y: Float64Array,
    private readonly weight: Float64Array,
    private readonly minSamplesLeaf: number,
  ) {}

  setNode(idx: Int32Array, start: number, end: number): void {
    const { y, weight } = this;
    let w = 0;
    let wy = 0;
    let wyy = 0;
    for (let i = start; i < end; i++) {
      const r = idx[i] as number;
      const wr = weight[r] as number;
      const yr = y[r] as number;
      w += wr;
      wy += wr * yr;
      wyy += wr * yr * yr;
    }
    this.w = w;
    this.wy = wy;
    this.wyy = wyy;
    this.nodeRows = end - start;
  }

  isPure(): boolean {
    const variance = this.wyy / this.w - (this.wy / this.w) ** 2;
    return variance <= 1e-14 * Math.max(1, Math.abs(this.wy / this.w));
  }

  writeLeaf(value: Float64Array, at: number): void {
    value[at] = this.wy / this.w;
  }

  searchFeature(binned: Uint8Array, col: number, nBins: number, idx: Int32Array, start: number, end: number): boolean {
    const { hist, count, y, weight } = this;
    this.gain = Number.NEGATIVE_INFINITY;
    this.bin = -1;
    hist.fill(0, 0, nBins * 3);
    count.fill(0, 0, nBins);
    let minBin = 255;
    let maxBin = 0;
    for (let i = start; i < end; i++) {
      const r = idx[i] as number;
      const b = binned[col + r] as number;
      if (b < minBin) minBin = b;
      if (b > maxBin) maxBin = b;
      count[b] = (count[b] as number) + 1;
      const wr = weight[r] as number;
      const yr = y[r] as number;
      const o = b * 3;
      hist[o] = (hist[o] as number) + wr;
      hist[o + 1] = (hist[o + 1] as number) + wr * yr;
      hist[o + 2] = (hist[o + 2] as number) + wr * yr * yr;
    }
    if (minBin === maxBin) return false;
    const parent = this.w > 0 ? this.wy ** 2 / this.w : 0;
    let leftW = 0;
    let leftWy = 0;
    let leftRows = 0;
    for (let b = minBin; b < maxBin; b++) {
      leftW += hist[b * 3] as number;
      leftWy += hist[b * 3 + 1] as number;
      leftRows += count[b] as number;
      if (count[b] === 0) continue;
      const rightRows = this.nodeRows - leftRows;
      if (leftRows < this.minSamplesLeaf || rightRows < this.minSamplesLeaf) continue;
      const rightW = this.w - leftW;
      const rightWy = this.wy - leftWy;
      const gain = (leftW > 0 ? leftWy ** 2 / leftW : 0) + (rightW > 0 ? (rightWy * rightWy) / rightW : 0) - parent;
      if (gain > this.gain) {
        this.gain = gain;
        this.bin = b;
      }
    }
    return true;
  }
}
