import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Rng } from '@marquee/engine';
import { SimilarItemsIndex } from './similar-items-index.js';

describe('SimilarItemsIndex (hnswlib)', () => {
  it('finds nearly the same nearest items as an exact cosine scan, on 25,000 items', () => {
    const rng = new Rng(2);
    const n = 25_000;
    const f = 16;
    const factors = Float64Array.from({ length: n * f }, () => rng.normal());
    const index = SimilarItemsIndex.build(factors, n);
    const cosine = (a: number, b: number) => {
      let dot = 0;
      let na = 0;
      let nb = 0;
      for (let k = 0; k < f; k++) {
        const x = factors[a * f + k] as number;
        const y = factors[b * f + k] as number;
        dot += x * y;
        na += x * x;
        nb += y * y;
      }
      return dot / Math.sqrt(na * nb);
    };
    let found = 0;
    const queries = [3, 777, 12_345, 24_999];
    for (const q of queries) {
      const exact = Array.from({ length: n }, (_, j) => j)
        .filter((j) => j !== q)
        .sort((a, b) => cosine(q, b) - cosine(q, a))
        .slice(0, 10);
      const approx = index.nearest(factors, q, 10);
      assert.equal(approx.length, 10);
      assert.ok(!approx.some((a) => a.index === q), 'the item itself is left out');
      for (const a of approx) assert.ok(Math.abs(a.score - cosine(q, a.index)) < 1e-4);
      found += approx.filter((a) => exact.includes(a.index)).length;
    }
    assert.ok(found / (10 * queries.length) >= 0.9, `recall ${found / 40}`);
  });
});
