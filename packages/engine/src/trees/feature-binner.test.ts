import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { DenseMatrix } from '../linalg/dense-matrix.js';
import { Rng } from '../random/rng.js';
import { FeatureBinner } from './feature-binner.js';

/** The float32 midpoint rule the binner documents (a < m, m < b after rounding). */
function midpoint(a: number, b: number): number {
  let m = Math.fround((a + b) / 2);
  if (m < Math.fround(a)) m = Math.fround(a);
  if (m >= Math.fround(b)) m = Math.fround(a);
  return m;
}

/** Thresholds as the binner's comment defines them, from a plain sort of the column. */
function referenceThresholds(column: number[], maxBins: number): number[] {
  const sorted = [...column].sort((a, b) => a - b);
  const distinct = sorted.filter((v, i) => i === 0 || v !== sorted[i - 1]);
  if (distinct.length <= maxBins) return distinct.slice(1).map((v, i) => midpoint(distinct[i] as number, v));
  const t: number[] = [];
  for (let b = 1; b < maxBins; b++) {
    const pos = (b / maxBins) * (sorted.length - 1);
    const q = midpoint(sorted[Math.floor(pos)] as number, sorted[Math.ceil(pos)] as number);
    if (t.length === 0 || q > (t[t.length - 1] as number)) t.push(q);
  }
  return t;
}

describe('FeatureBinner', () => {
  // Integer columns are counted, others sorted: both must give the documented thresholds
  // and bins (a value's bin: the thresholds below it, compared in float32).
  const rng = new Rng(11);
  const rows = 700;
  const columns: Array<[string, () => number]> = [
    ['pixels (exact bins, counted)', () => Math.floor(rng.next() * 256)],
    ['wide integers (quantile bins, counted)', () => Math.floor(rng.next() * 4000)],
    ['integers past the counted range (sorted)', () => 4096 + Math.floor(rng.next() * 600)],
    ['reals (quantile bins, sorted)', () => rng.normal()],
    ['few reals (exact bins, sorted)', () => Math.floor(rng.next() * 9) / 4 - 1],
    ['integers with a −0 (sorted)', () => (rng.next() < 0.3 ? -0 : Math.floor(rng.next() * 30))],
  ];
  for (const maxBins of [256, 32]) {
    test(`thresholds and bins as defined, maxBins ${maxBins}`, () => {
      const cols = columns.length;
      const x: DenseMatrix = { rows, cols, data: new Float64Array(rows * cols) };
      for (let r = 0; r < rows; r++)
        for (let f = 0; f < cols; f++) x.data[r * cols + f] = (columns[f] as [string, () => number])[1]();
      const binner = new FeatureBinner(maxBins).fit(x);
      // Unseen values too: between, below and above the training values, and non-integers.
      const probe: DenseMatrix = { rows: rows + 4, cols, data: new Float64Array((rows + 4) * cols) };
      probe.data.set(x.data);
      for (let f = 0; f < cols; f++) {
        probe.data[rows * cols + f] = -5;
        probe.data[(rows + 1) * cols + f] = 1e6;
        probe.data[(rows + 2) * cols + f] = 17.5;
        probe.data[(rows + 3) * cols + f] = 4095;
      }
      const binned = binner.transform(probe);
      for (let f = 0; f < cols; f++) {
        const name = (columns[f] as [string, () => number])[0];
        const column = Array.from({ length: rows }, (_, r) => x.data[r * cols + f] as number);
        const want = referenceThresholds(column, maxBins);
        assert.deepEqual(Array.from(binner.thresholds[f] as Float64Array), want, `${name}: thresholds`);
        for (let r = 0; r < rows + 4; r++) {
          const v = Math.fround(probe.data[r * cols + f] as number);
          const bin = want.filter((t) => t < v).length;
          assert.equal(binned[f * (rows + 4) + r], bin, `${name}: row ${r} (${v}) bin`);
        }
        // lows and highs: the smallest and largest training value of each bin.
        for (let b = 0; b < binner.nBins(f); b++) {
          const inBin = column.filter((v) => want.filter((t) => t < Math.fround(v)).length === b);
          const lo = (binner.lows[f] as Float64Array)[b] as number;
          const hi = (binner.highs[f] as Float64Array)[b] as number;
          if (inBin.length === 0) assert.ok(Number.isNaN(lo) && Number.isNaN(hi), `${name}: bin ${b} empty`);
          else {
            // Numerically (0 and −0 are one value to the binner).
            assert.ok(lo === Math.min(...inBin), `${name}: bin ${b} low ${lo}`);
            assert.ok(hi === Math.max(...inBin), `${name}: bin ${b} high ${hi}`);
          }
        }
      }
    });
  }

  test('a missing value is refused', () => {
    const x: DenseMatrix = { rows: 3, cols: 2, data: Float64Array.from([1, 2, Number.NaN, 3, 4, 5]) };
    assert.throws(() => new FeatureBinner().fit(x), /feature 0 has missing values/);
  });
});
