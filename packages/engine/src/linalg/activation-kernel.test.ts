import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { compileWat, WASM_DIR } from '../../scripts/wat-compiler.js';
import { Rng } from '../random/rng.js';
import { ActivationArena } from './activation-kernel.js';

/** Values with the awkward cases in: zeros of both signs, NaN, infinities, tiny and huge. */
function awkward(n: number, rng: Rng): Float64Array {
  const special = [0, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 5e-324, -5e-324, 1e308];
  return Float64Array.from({ length: n }, (_, i) =>
    i % 11 === 3 ? (special[i % special.length] as number) : rng.normal(),
  );
}

const sameBits = (a: Float64Array, b: Float64Array) => a.every((v, i) => Object.is(v, b[i]));

describe('ActivationArena (WebAssembly SIMD layer passes)', () => {
  const rng = new Rng(3);
  for (const [rows, cols] of [
    [1, 1],
    [3, 7],
    [16, 128],
    [9, 33],
  ] as const) {
    test(`${rows} × ${cols}: the same bits as the JavaScript loops`, () => {
      const arena = new ActivationArena(4 * rows * cols + 8, cols);
      const z = arena.array(rows * cols);
      z.set(awkward(rows * cols, rng));
      const bias = awkward(cols, rng);
      const want = Float64Array.from(z, (v, k) => Math.max(v + (bias[k % cols] as number), 0));
      arena.biasRelu(z, bias, rows, cols);
      assert.ok(sameBits(z, want), 'bias and ReLU');

      const d = arena.array(rows * cols);
      d.set(awkward(rows * cols, rng));
      const wantMask = Float64Array.from(d, (v, k) => v * ((z[k] as number) > 0 ? 1 : 0));
      arena.reluMask(d, z, rows * cols);
      assert.ok(sameBits(d, wantMask), 'ReLU derivative');

      const out = Float64Array.from({ length: cols + 2 }, () => 0);
      const wantSums = new Float64Array(cols + 2);
      for (let i = 0; i < rows; i++)
        for (let j = 0; j < cols; j++) wantSums[j + 1] = (wantSums[j + 1] as number) + (d[i * cols + j] as number);
      arena.addColumnSums(out, 1, d, rows, cols);
      assert.ok(sameBits(out, wantSums), 'column sums');
    });
  }

  test('refuses arrays from outside its memory', () => {
    const arena = new ActivationArena(8, 2);
    assert.throws(() => arena.reluMask(new Float64Array(2), arena.array(2), 2), /outside the arena/);
  });

  test('the committed activations.wasm is what activations.wat compiles to', async () => {
    const built = await compileWat(path.join(WASM_DIR, 'activations.wat'));
    assert.deepEqual(new Uint8Array(fs.readFileSync(path.join(WASM_DIR, 'activations.wasm'))), built);
  });
});
