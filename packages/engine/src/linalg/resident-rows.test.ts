import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { compileWat, WASM_DIR } from '../../scripts/wat-compiler.js';
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

  for (const [n, d, k] of [
    [4601, 57, 8],
    [37, 13, 3],
    [130, 64, 1],
  ] as const) {
    test(`nearest centres of ${n} rows among ${k}: as a loop keeping the first least cc − 2·x·c`, () => {
      const x = { rows: n, cols: d, data: Float64Array.from({ length: n * d }, () => rng.normal()) };
      const resident = ResidentRows.of(x) as ResidentRows;
      const centres = Float64Array.from({ length: k * d }, () => rng.normal());
      // Two equal centres: ties go to the first.
      if (k > 2) centres.copyWithin(2 * d, 0, d);
      const cc = Float64Array.from({ length: k }, (_, c) =>
        centres.subarray(c * d, (c + 1) * d).reduce((a, v) => a + v * v, 0),
      );
      const cross = new Float64Array(n * k);
      matmulTransB(x.data, centres, n, d, k, cross);
      const want = Int32Array.from({ length: n }, (_, i) => {
        let best = 0;
        let bestD = Number.POSITIVE_INFINITY;
        for (let c = 0; c < k; c++) {
          const dd = (cc[c] as number) - 2 * (cross[i * k + c] as number);
          if (dd < bestD) {
            bestD = dd;
            best = c;
          }
        }
        return best;
      });
      const got = new Int32Array(n).fill(-7);
      resident.nearest(centres, k, cc, got);
      assert.deepEqual(got, want);
      if (k > 2) assert.ok(!got.includes(2), 'the duplicate centre never wins');
      // The product is still right after the choice (same memory, next call).
      const again = new Float64Array(n * k);
      resident.timesTransposed(centres, k, again);
      assert.deepEqual(again, cross);
    });
  }

  test('too few rows to be worth it: none', () => {
    assert.equal(ResidentRows.of({ rows: 3, cols: 2, data: new Float64Array(6) }), undefined);
  });

  test('the committed argmin.wasm is what argmin.wat compiles to', async () => {
    const built = await compileWat(path.join(WASM_DIR, 'argmin.wat'));
    assert.deepEqual(new Uint8Array(fs.readFileSync(path.join(WASM_DIR, 'argmin.wasm'))), built);
  });
});
