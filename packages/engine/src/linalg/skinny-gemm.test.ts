import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Rng } from '../random/rng.js';
import { skinnyGemmOver } from './skinny-gemm.js';

describe('the narrow product kernel (skinny-gemm.wat)', () => {
  test('C = A·B for n = 1 … 12, odd and even m: the bits of the ordered loop, nothing stored past C', () => {
    const rng = new Rng(3);
    const memory = new WebAssembly.Memory({ initial: 16 });
    const kernel = skinnyGemmOver(memory);
    for (const [m, k] of [
      [1, 1],
      [2, 5],
      [7, 3],
      [33, 64],
      [64, 17],
    ] as const) {
      for (let n = 1; n <= 12; n++) {
        const view = new Float64Array(memory.buffer);
        const a = 0;
        const b = m * k;
        const c = b + k * n + 1; // one double after B: an odd n's last lane reads it
        for (let i = 0; i < b + k * n + 1; i++)
          view[i] = rng.normal() * (i % 7 === 0 ? 0 : 1) - (i % 11 === 0 ? 0 : 0.25);
        view.fill(Number.NaN, c, c + m * n + 8);
        kernel.skinny_gemm(a * 8, b * 8, c * 8, m, k, n);
        for (let i = 0; i < m; i++) {
          for (let j = 0; j < n; j++) {
            let s = 0;
            for (let p = 0; p < k; p++) s += (view[a + i * k + p] as number) * (view[b + p * n + j] as number);
            assert.ok(
              Object.is(view[c + i * n + j], s),
              `${m}×${k}·${k}×${n}: C[${i}][${j}] ${view[c + i * n + j]} vs ${s}`,
            );
          }
        }
        assert.ok(Number.isNaN(view[c + m * n]), `${m}×${n}: nothing stored past C`);
      }
    }
  });

  test("C (+)= Aᵀ·B over a block of rows, A's columns in pairs: the bits of the ordered loop, blocks summing as one", () => {
    const rng = new Rng(5);
    const memory = new WebAssembly.Memory({ initial: 16 });
    const kernel = skinnyGemmOver(memory);
    for (const [rows, m, lda] of [
      [1, 2, 2],
      [9, 6, 7],
      [40, 18, 18],
    ] as const) {
      for (let n = 1; n <= 12; n++) {
        const view = new Float64Array(memory.buffer);
        const a = 0;
        const b = rows * lda;
        const c = b + rows * n + 1;
        for (let i = 0; i < c; i++) view[i] = rng.normal() * (i % 5 === 0 ? 0 : 1);
        view.fill(Number.NaN, c, c + m * n + 8);
        // The rows in two blocks, the second added onto the first.
        const first = Math.floor(rows / 2);
        kernel.skinny_gemm_ta(a * 8, b * 8, c * 8, m, first, n, lda, 0);
        kernel.skinny_gemm_ta((a + first * lda) * 8, (b + first * n) * 8, c * 8, m, rows - first, n, lda, 1);
        for (let p = 0; p < m; p++) {
          for (let j = 0; j < n; j++) {
            let s = 0;
            for (let i = 0; i < rows; i++) s += (view[a + i * lda + p] as number) * (view[b + i * n + j] as number);
            assert.ok(
              Object.is(view[c + p * n + j], s),
              `${rows} rows, n ${n}: C[${p}][${j}] ${view[c + p * n + j]} vs ${s}`,
            );
          }
        }
        assert.ok(Number.isNaN(view[c + m * n]), `${m}×${n}: nothing stored past C`);
      }
    }
  });
});
