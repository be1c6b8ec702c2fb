import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Rng } from '../random/rng.js';
import { columnSumsAndSquares, sumAndSquares } from './value-sums.js';

describe('sums in WebAssembly (sums.wat)', () => {
  test('Σv and Σv² have the bits of the JavaScript loop', () => {
    const rng = new Rng(5);
    for (const n of [0, 1, 2, 7, 1000, 40_000]) {
      const v = Float64Array.from({ length: n }, () => rng.normal() * 1e3 + 0.1);
      let s = 0;
      let s2 = 0;
      for (let i = 0; i < n; i++) {
        s += v[i] as number;
        s2 += (v[i] as number) * (v[i] as number);
      }
      const got = sumAndSquares(v);
      assert.ok(Object.is(got.sum, s) && Object.is(got.squares, s2), `n ${n}: ${got.sum} ${s}`);
    }
  });

  test("each column's sums, top to bottom, have the bits of the JavaScript loop (odd and even widths)", () => {
    const rng = new Rng(6);
    for (const [n, d] of [
      [1, 1],
      [5, 2],
      [301, 7],
      [4601, 57],
      [10, 64],
    ] as const) {
      const x = Float64Array.from({ length: n * d }, () => rng.normal() * 50 - 3);
      const got = columnSumsAndSquares(x, n, d);
      for (let j = 0; j < d; j++) {
        let s = 0;
        let s2 = 0;
        for (let i = 0; i < n; i++) {
          const v = x[i * d + j] as number;
          s += v;
          s2 += v * v;
        }
        assert.ok(Object.is(got.sums[j], s), `${n}×${d} column ${j}: Σ`);
        assert.ok(Object.is(got.squares[j], s2), `${n}×${d} column ${j}: Σ²`);
      }
    }
    // A smaller matrix after a larger one sees only its own rows.
    assert.deepEqual(Array.from(columnSumsAndSquares(Float64Array.from([1, 2, 3, 4]), 2, 2).sums), [4, 6]);
  });
});
