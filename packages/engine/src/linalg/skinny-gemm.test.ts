import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { compileWat, WASM_DIR } from '../../scripts/wat-compiler.js';
import { Rng } from '../random/rng.js';
import { isSkinny, skinnyGemmOver } from './skinny-gemm.js';

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
    assert.equal(isSkinny(4), false);
    assert.equal(isSkinny(10), true);
    assert.equal(isSkinny(13), false);
  });

  test('skinny-gemm.wasm is built from skinny-gemm.wat', async () => {
    const built = await compileWat(path.join(WASM_DIR, 'skinny-gemm.wat'));
    assert.deepEqual(new Uint8Array(fs.readFileSync(path.join(WASM_DIR, 'skinny-gemm.wasm'))), built);
  });
});
