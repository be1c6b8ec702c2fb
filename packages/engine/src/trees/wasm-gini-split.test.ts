import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../random/rng.js';
import { GiniSplit } from './gini-split.js';
import { WasmGiniSplit } from './wasm-gini-split.js';

test('the WebAssembly Gini search gives the JavaScript search’s results bit for bit, one feature or two, whole and fractional weights', () => {
  const rng = new Rng(23);
  for (let trial = 0; trial < 150; trial++) {
    const nRows = 6 + rng.int(200);
    const K = 2 + rng.int(9);
    const labels = Int32Array.from({ length: nRows }, () => rng.int(K));
    const weight = Float64Array.from({ length: nRows }, () => (trial % 2 ? 0.1 + rng.next() * 3 : rng.int(4)));
    // Three features; the first or the second constant now and then, often bin 0, bins up to 255.
    const binned = Uint8Array.from({ length: 3 * nRows }, (_, i) => {
      const f = Math.floor(i / nRows);
      if ((f === 0 && trial % 7 === 0) || (f === 1 && trial % 5 === 0)) return 4;
      return rng.next() < 0.4 ? 0 : rng.int(2 + rng.int(254));
    });
    const node = Int32Array.from(
      rng.shuffle(Array.from({ length: nRows }, (_, i) => i)).slice(0, 3 + rng.int(nRows - 5)),
    );
    const minLeaf = 1 + rng.int(3);
    const js = new GiniSplit(labels, weight, K, minLeaf);
    const wasm = WasmGiniSplit.over(binned, labels, weight, nRows, 3, K, minLeaf) as WasmGiniSplit;
    const rows = wasm.rows(nRows);
    rows.set(node);
    // The node: the chosen rows, at an offset in the tree's rows (at most nRows - 3 of them, 2 on).
    const start = trial % 3;
    rows.copyWithin(start, 0, node.length);
    const end = start + node.length;
    const jsRows = Int32Array.from(rows);
    js.setNode(jsRows, start, end);
    wasm.setNode(rows, start, end);
    for (let round = 0; round < 2; round++) {
      const want = js.searchTwo(binned, 0, nRows, jsRows, start, end);
      assert.deepEqual(wasm.searchTwo(binned, 0, nRows, rows, start, end), want, `trial ${trial}: constant`);
      assert.ok(Object.is(wasm.gain, js.gain) && wasm.bin === js.bin, `trial ${trial}: first feature`);
      assert.ok(Object.is(wasm.gain2, js.gain2) && wasm.bin2 === js.bin2, `trial ${trial}: second feature`);
      const one = js.searchFeature(binned, 2 * nRows, 256, jsRows, start, end);
      assert.equal(wasm.searchFeature(binned, 2 * nRows, 256, rows, start, end), one);
      assert.ok(Object.is(wasm.gain, js.gain) && wasm.bin === js.bin, `trial ${trial}: third feature`);
    }
    assert.equal(wasm.isPure(), js.isPure());
  }
});
