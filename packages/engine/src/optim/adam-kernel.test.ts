import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { compileWat, WASM_DIR } from '../../scripts/wat-compiler.js';
import { Rng } from '../random/rng.js';
import { AdamKernel } from './adam-kernel.js';

/** Adam as scikit-learn writes it, one parameter at a time (the loop the kernel replaced). */
function reference(
  params: Float64Array[],
  m: Float64Array[],
  v: Float64Array[],
  grad: Float64Array,
  penalised: number,
  alpha: number,
  rows: number,
  lrT: number,
): number {
  let sumSq = 0;
  let at = 0;
  params.forEach((w, q) => {
    const mq = m[q] as Float64Array;
    const vq = v[q] as Float64Array;
    for (let i = 0; i < w.length; i++) {
      let gi = grad[at + i] as number;
      const wi = w[i] as number;
      if (q < penalised) {
        gi += (alpha * wi) / rows;
        sumSq += wi * wi;
      }
      const mi = 0.9 * (mq[i] as number) + 0.1 * gi;
      const vi = 0.999 * (vq[i] as number) + 0.001 * gi * gi;
      mq[i] = mi;
      vq[i] = vi;
      w[i] = wi - (lrT * mi) / (Math.sqrt(vi) + 1e-8);
    }
    at += w.length;
  });
  return sumSq;
}

test('the SIMD Adam step gives the bits of the scalar loop, odd lengths and the L2 boundary included', () => {
  const rng = new Rng(11);
  const lengths = [7, 12, 3, 5, 1, 4];
  const penalised = 3;
  const n = lengths.reduce((a, b) => a + b, 0);
  const mine = lengths.map((len) => Float64Array.from({ length: len }, () => rng.normal()));
  const theirs = mine.map((a) => a.slice());
  const m = lengths.map((len) => new Float64Array(len));
  const v = lengths.map((len) => new Float64Array(len));
  const adam = new AdamKernel(lengths, penalised);
  for (let t = 1; t <= 5; t++) {
    const first = Float64Array.from({ length: n }, () => rng.normal());
    const second = Float64Array.from({ length: n }, () => rng.normal() * 0.1);
    const sum = Float64Array.from(first, (g, i) => g + (second[i] as number));
    const lrT = (1e-3 * Math.sqrt(1 - 0.999 ** t)) / (1 - 0.9 ** t);
    const want = reference(theirs, m, v, sum, penalised, 1e-4, 200, lrT);
    const got = adam.step(mine, first, second, 1e-4, 200, lrT);
    assert.ok(Object.is(got, want), `step ${t}: Σw² ${got} against ${want}`);
    mine.forEach((w, q) => {
      assert.ok(
        w.every((x, i) => Object.is(x, (theirs[q] as Float64Array)[i])),
        `step ${t}: parameters of array ${q}`,
      );
    });
  }
});

test('the committed adam.wasm is what adam.wat compiles to', async () => {
  const built = await compileWat(path.join(WASM_DIR, 'adam.wat'));
  assert.deepEqual(new Uint8Array(fs.readFileSync(path.join(WASM_DIR, 'adam.wasm'))), built);
});
