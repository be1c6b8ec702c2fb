import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Rng } from '../random/rng.js';
import { matmulTransA, matmulTransB } from './gemm.js';
import { ResidentDesign } from './resident-design.js';

describe('ResidentDesign', () => {
  // Each case releases its design, so the cases after the first run in reused memory
  // (larger or smaller, with the last case's values left in it).
  let previous: WebAssembly.Memory | undefined;
  for (const [rows, d, kk] of [
    [203, 16, 26],
    [61, 13, 3],
    [40, 64, 10],
    [77, 9, 7],
    [37, 5, 1],
  ] as const) {
    test(`${rows} rows × ${d}, ${kk} score columns: the same bits as the shared kernel's two products`, () => {
      const rng = new Rng(rows + d + kk);
      const n = rows + 11;
      const from = 5;
      const x = { rows: n, cols: d, data: Float64Array.from({ length: n * d }, () => rng.normal()) };
      const w = Float64Array.from({ length: kk * d + kk }, () => rng.normal());
      const design = ResidentDesign.of(x, from, from + rows, kk) as ResidentDesign;
      if (previous) assert.equal(design.memory, previous, 'the released memory is reused');
      const block = design.scores(w, d);
      const want = new Float64Array(rows * kk);
      const xs = x.data.subarray(from * d, (from + rows) * d);
      matmulTransB(xs, w, rows, d, kk, want);
      const residuals = new Float64Array(rows * kk);
      for (let i = 0; i < rows; i++) {
        for (let c = 0; c < kk; c++) {
          assert.equal(block[i * design.stride + c], want[i * kk + c], `score (${i}, ${c})`);
          // Residuals written where the softmax would leave them.
          const r = rng.normal();
          block[i * design.stride + c] = r;
          residuals[i * kk + c] = r;
        }
      }
      const grad = new Float64Array(kk * d);
      design.weightGradient(grad, d);
      const wantGrad = new Float64Array(kk * d);
      matmulTransA(residuals, xs, rows, kk, d, wantGrad);
      assert.deepEqual(grad, wantGrad);
      // Leave values everywhere for the next case to clear.
      new Float64Array(design.memory.buffer).fill(7.5);
      design.release();
      previous = design.memory;
    });
  }

  test('declines too few rows', () => {
    const x = { rows: 8, cols: 2, data: new Float64Array(16) };
    assert.equal(ResidentDesign.of(x, 0, 8, 3), undefined);
  });
});
