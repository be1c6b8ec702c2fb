import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../random/rng.js';
import { GiniSplit } from './gini-split.js';

/** Σ_c w_c² / W on each side minus the node's, straight from the definition. */
function bruteForce(
  bins: Uint8Array,
  labels: Int32Array,
  weight: Float64Array,
  rows: Int32Array,
  K: number,
  minLeaf: number,
) {
  const score = (keep: (b: number) => boolean) => {
    const w = new Float64Array(K);
    let n = 0;
    for (const r of rows) {
      if (!keep(bins[r] as number)) continue;
      const c = labels[r] as number;
      w[c] = (w[c] as number) + (weight[r] as number);
      n++;
    }
    const sum = w.reduce((a, v) => a + v, 0);
    return { score: sum > 0 ? w.reduce((a, v) => a + v * v, 0) / sum : 0, n };
  };
  const parent = score(() => true).score;
  let best = { gain: Number.NEGATIVE_INFINITY, bin: -1 };
  const present = [...new Set(Array.from(rows, (r) => bins[r] as number))].sort((a, b) => a - b);
  for (const b of present.slice(0, -1)) {
    const l = score((v) => v <= b);
    const r = score((v) => v > b);
    if (l.n < minLeaf || r.n < minLeaf) continue;
    const gain = l.score + r.score - parent;
    if (gain > best.gain + 1e-12) best = { gain, bin: b };
  }
  return { ...best, constant: present.length === 1 };
}

test('the Gini search finds the threshold a brute-force search finds, with whole and fractional weights', () => {
  const rng = new Rng(7);
  for (let trial = 0; trial < 300; trial++) {
    const nRows = 5 + rng.int(120);
    const K = 2 + rng.int(6);
    const nBins = 2 + rng.int(20);
    const fractional = trial % 2 === 1;
    const labels = Int32Array.from({ length: nRows }, () => rng.int(K));
    const weight = Float64Array.from({ length: nRows }, () => (fractional ? 0.1 + rng.next() * 3 : 1 + rng.int(4)));
    const bins = Uint8Array.from({ length: nRows }, () => rng.int(trial % 10 === 0 ? 1 : nBins));
    const rows = Int32Array.from(
      rng.shuffle(Array.from({ length: nRows }, (_, i) => i)).slice(0, 3 + rng.int(nRows - 3)),
    );
    const minLeaf = 1 + rng.int(3);
    const search = new GiniSplit(labels, weight, K, minLeaf);
    // Two features side by side in one column-major block: the search must read at `col`.
    const binned = new Uint8Array(2 * nRows);
    binned.set(bins, nRows);
    search.setNode(rows, 0, rows.length);
    const varied = search.searchFeature(binned, nRows, nBins, rows, 0, rows.length);
    const expected = bruteForce(bins, labels, weight, rows, K, minLeaf);
    assert.equal(varied, !expected.constant, `trial ${trial}: constant feature`);
    if (!varied) continue;
    assert.equal(search.bin, expected.bin, `trial ${trial}: best bin`);
    if (expected.bin >= 0)
      assert.ok(Math.abs(search.gain - expected.gain) <= 1e-9 * Math.max(1, expected.gain), `trial ${trial}: gain`);
    // The histogram is left empty for the next feature: the same search again gives the same answer.
    const again = search.searchFeature(binned, nRows, nBins, rows, 0, rows.length);
    assert.equal(again, true);
    assert.equal(search.bin, expected.bin, `trial ${trial}: second search`);
  }
});

test("a node's leaf holds its class shares and is pure only with one class", () => {
  const labels = Int32Array.from([0, 2, 2, 1]);
  const weight = Float64Array.from([1, 2, 1, 0.5]);
  const search = new GiniSplit(labels, weight, 3, 1);
  const value = new Float64Array(6);
  search.setNode(Int32Array.from([0, 1, 2, 3]), 0, 4);
  search.writeLeaf(value, 3);
  assert.deepEqual(Array.from(value), [0, 0, 0, 1 / 4.5, 0.5 / 4.5, 3 / 4.5]);
  assert.equal(search.isPure(), false);
  search.setNode(Int32Array.from([1, 2]), 0, 2);
  assert.equal(search.isPure(), true);
});

test('two features searched in one pass give the two single searches’ results, bit for bit, and leave the histograms empty', () => {
  const rng = new Rng(11);
  for (let trial = 0; trial < 200; trial++) {
    const nRows = 5 + rng.int(150);
    const K = 2 + rng.int(6);
    const labels = Int32Array.from({ length: nRows }, () => rng.int(K));
    const weight = Float64Array.from({ length: nRows }, () => (trial % 2 ? 0.1 + rng.next() * 3 : 1 + rng.int(4)));
    // Three features; the first or the second is constant now and then, and often in bin 0.
    const binned = Uint8Array.from({ length: 3 * nRows }, (_, i) => {
      const f = Math.floor(i / nRows);
      if ((f === 0 && trial % 7 === 0) || (f === 1 && trial % 5 === 0)) return 4;
      return rng.next() < 0.4 ? 0 : rng.int(2 + rng.int(30));
    });
    const rows = Int32Array.from(
      rng.shuffle(Array.from({ length: nRows }, (_, i) => i)).slice(0, 3 + rng.int(nRows - 3)),
    );
    const minLeaf = 1 + rng.int(3);
    const one = new GiniSplit(labels, weight, K, minLeaf);
    one.setNode(rows, 0, rows.length);
    const a = one.searchFeature(binned, 0, 256, rows, 0, rows.length);
    const [gainA, binA] = [one.gain, one.bin];
    const b = one.searchFeature(binned, nRows, 256, rows, 0, rows.length);
    const [gainB, binB] = [one.gain, one.bin];
    const two = new GiniSplit(labels, weight, K, minLeaf);
    two.setNode(rows, 0, rows.length);
    for (let round = 0; round < 2; round++) {
      assert.deepEqual(two.searchTwo(binned, 0, nRows, rows, 0, rows.length), [a, b], `trial ${trial}: constant`);
      assert.ok(Object.is(two.gain, gainA) && two.bin === binA, `trial ${trial}: first feature`);
      assert.ok(Object.is(two.gain2, gainB) && two.bin2 === binB, `trial ${trial}: second feature`);
    }
    // And the histograms were left empty: a single search after it agrees too.
    assert.equal(
      two.searchFeature(binned, 2 * nRows, 256, rows, 0, rows.length),
      one.searchFeature(binned, 2 * nRows, 256, rows, 0, rows.length),
    );
    assert.ok(Object.is(two.gain, one.gain) && two.bin === one.bin, `trial ${trial}: third feature`);
  }
});
