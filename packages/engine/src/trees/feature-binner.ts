import type { DenseMatrix } from '../linalg/dense-matrix.js';

/**
 * Maps each feature to at most `maxBins` (≤ 256) ordered bins, once per fit, so that
 * split search works on small integer histograms instead of sorting values at every node
 * (the approach of LightGBM and scikit-learn's HistGradientBoosting). A feature with at
 * most `maxBins` distinct values is binned exactly: its thresholds are the midpoints
 * between consecutive values, as CART's are. Otherwise thresholds sit at quantiles.
 * Thresholds are float32-rounded so that the engine and ONNX Runtime (which compares in
 * float32) send every row the same way.
 */
export class FeatureBinner {
  /** thresholds[f]: ascending; bin b holds values in (t[b−1], t[b]]. */
  thresholds: Float64Array[] = [];
  /** lows[f][b], highs[f][b]: the smallest and largest training value in bin b. */
  lows: Float64Array[] = [];
  highs: Float64Array[] = [];

  constructor(readonly maxBins = 256) {
    if (!(Number.isInteger(maxBins) && maxBins >= 2 && maxBins <= 256)) throw new Error('maxBins must be in [2, 256]');
  }

  fit(x: DenseMatrix): this {
    const { rows, cols, data } = x;
    this.thresholds = [];
    this.lows = [];
    this.highs = [];
    const column = new Float64Array(rows);
    for (let f = 0; f < cols; f++) {
      for (let r = 0; r < rows; r++) {
        const v = data[r * cols + f] as number;
        if (Number.isNaN(v)) throw new Error(`feature ${f} has missing values: impute before fitting trees`);
        column[r] = v;
      }
      const sorted = column.slice().sort();
      const distinct: number[] = [];
      for (let i = 0; i < sorted.length; i++)
        if (i === 0 || sorted[i] !== sorted[i - 1]) distinct.push(sorted[i] as number);
      const t: number[] = [];
      if (distinct.length <= this.maxBins) {
        for (let i = 1; i < distinct.length; i++) t.push(midpoint(distinct[i - 1] as number, distinct[i] as number));
      } else {
        for (let b = 1; b < this.maxBins; b++) {
          const pos = (b / this.maxBins) * (sorted.length - 1);
          const lo = sorted[Math.floor(pos)] as number;
          const hi = sorted[Math.ceil(pos)] as number;
          const q = midpoint(lo, hi);
          if (t.length === 0 || q > (t[t.length - 1] as number)) t.push(q);
        }
      }
      const thresholds = Float64Array.from(t);
      this.thresholds.push(thresholds);
      const low = new Float64Array(t.length + 1).fill(Number.NaN);
      const high = new Float64Array(t.length + 1).fill(Number.NaN);
      for (const v of distinct) {
        const b = binOf(thresholds, Math.fround(v));
        if (Number.isNaN(low[b] as number)) low[b] = v;
        high[b] = v;
      }
      this.lows.push(low);
      this.highs.push(high);
    }
    return this;
  }

  /**
   * The threshold of a split between bins `left` and `right` (> left, the bins between
   * empty in the node): midway between the values on either side, as CART places it, so
   * that unseen values in the gap divide evenly rather than all going one way.
   */
  splitThreshold(feature: number, left: number, right: number): number {
    return midpoint(
      (this.highs[feature] as Float64Array)[left] as number,
      (this.lows[feature] as Float64Array)[right] as number,
    );
  }

  nBins(feature: number): number {
    return (this.thresholds[feature] as Float64Array).length + 1;
  }

  /** Binned features, column-major: out[f * rows + r]. */
  transform(x: DenseMatrix): Uint8Array {
    const { rows, cols, data } = x;
    const out = new Uint8Array(rows * cols);
    for (let f = 0; f < cols; f++) {
      const t = this.thresholds[f] as Float64Array;
      for (let r = 0; r < rows; r++) out[f * rows + r] = binOf(t, Math.fround(data[r * cols + f] as number));
    }
    return out;
  }
}

/** The number of thresholds below v: v ≤ t[b] exactly when binOf(v) ≤ b. */
function binOf(t: Float64Array, v: number): number {
  let lo = 0;
  let hi = t.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((t[mid] as number) < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The float32 midpoint, nudged so that a < m ≤ … and m < b hold after rounding. */
function midpoint(a: number, b: number): number {
  let m = Math.fround((a + b) / 2);
  if (m < Math.fround(a)) m = Math.fround(a);
  if (m >= Math.fround(b)) m = Math.fround(a);
  return m;
}
