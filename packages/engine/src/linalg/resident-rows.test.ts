import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Rng } from '../random/rng.js';
import { matmulTransB } from './gemm.js';
import { ResidentRows } from './resident-rows.js';

describe('ResidentRows: X kept in a kernel of its own', () => {
  const rng = new Rng(5);
  for (const [n, d, k] of [
    [4601, 57, 8],
    [37, 13, 3],
    [130, 64, 10],
  ] as const) {
    test(`X ${n}×${d} · Bᵀ for B ${k}×${d}, again and again: the bits of matmulTransB`, () => {
      const x = { rows: n, cols: d, data: Float64Array.from({ length: n * d }, () => rng.normal()) };
      const resident = ResidentRows.of(x);
      assert.ok(resident);
      for (let round = 0; round < 3; round++) {
        const b = Float64Array.from({ length: k * d }, () => rng.normal());
        const want = new Float64Array(n * k);
        matmulTransB(x.data, b, n, d, k, want);
        const got = new Float64Array(n * k);
        resident.timesTransposed(b, k, got);
        assert.deepEqual(got, want);
      }
    });
  }

  test('too few rows to be worth it: none', () => {
    assert.equal(ResidentRows.of({ rows: 3, cols: 2, data: new Float64Array(6) }), undefined);
  });
});
