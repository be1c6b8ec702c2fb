import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { compileWat, WASM_DIR } from '../../scripts/wat-compiler.js';
import { Rng } from '../random/rng.js';
import { expInPlace, SoftmaxRows } from './vector-exp.js';

const SMALLEST_NORMAL = 2.2250738585072014e-308;

describe('expInPlace (WebAssembly SIMD e^x)', () => {
  test('within 2 units in the last place of Math.exp wherever the result is a normal double', () => {
    const n = 200_003;
    const x = Float64Array.from({ length: n }, (_, i) => -708 + (1417.7 * i) / (n - 1) + (i % 7) * 1e-4);
    const got = x.slice();
    expInPlace(got);
    let worst = 0;
    for (let i = 0; i < n; i++) {
      const want = Math.exp(x[i] as number);
      if (want < SMALLEST_NORMAL || !Number.isFinite(want)) continue;
      worst = Math.max(worst, Math.abs((got[i] as number) - want) / want);
    }
    assert.ok(worst <= 2 * Number.EPSILON, `worst relative error ${worst}`);
    // Small arguments, where e^x is near 1 and its last places are all there is.
    const small = Float64Array.from({ length: 10_001 }, (_, i) => (i - 5000) * 1e-6);
    const e = small.slice();
    expInPlace(e);
    small.forEach((v, i) => {
      assert.ok(Math.abs((e[i] as number) - Math.exp(v)) <= 2 * Number.EPSILON, `e^${v}`);
    });
  });

  test('edge values: zero, infinities, NaN, overflow and underflow', () => {
    const x = Float64Array.from([
      0,
      -0,
      Number.NaN,
      Infinity,
      -Infinity,
      709.78,
      709.8,
      710,
      1e6,
      -745.2,
      -800,
      -1e6,
      1,
    ]);
    const got = x.slice();
    expInPlace(got);
    assert.deepEqual(Array.from(got.subarray(0, 12)), [
      1,
      1,
      Number.NaN,
      Infinity,
      0,
      Math.exp(709.78),
      Infinity,
      Infinity,
      Infinity,
      0,
      0,
      0,
    ]);
    assert.ok(Math.abs((got[12] as number) - Math.E) <= Number.EPSILON * Math.E);
  });

  test("a value's result does not depend on its place (eights, pairs, the last one) or the range given", () => {
    const rng = new Rng(3);
    const values = Float64Array.from({ length: 37 }, () => rng.normal() * 20);
    const whole = values.slice();
    expInPlace(whole);
    for (let i = 0; i < values.length; i++) {
      const one = Float64Array.from([values[i] as number]);
      expInPlace(one);
      assert.equal(one[0], whole[i]);
    }
    const part = values.slice();
    expInPlace(part, 5, 16);
    assert.deepEqual(part.subarray(0, 5), values.subarray(0, 5));
    assert.deepEqual(part.subarray(5, 16), whole.subarray(5, 16));
    assert.deepEqual(part.subarray(16), values.subarray(16));
  });

  test('the committed exp.wasm is what exp.wat compiles to', async () => {
    const built = await compileWat(path.join(WASM_DIR, 'exp.wat'));
    assert.deepEqual(new Uint8Array(fs.readFileSync(path.join(WASM_DIR, 'exp.wasm'))), built);
  });
});

/** The multinomial log-loss's rows the plain way: loss, residuals w·(p − 1[c = y]), Σ residuals. */
function reference(z: Float64Array, bias: Float64Array, y: Float64Array, w: Float64Array | undefined, kk: number) {
  const rows = y.length;
  const res = new Float64Array(rows * kk);
  const bgrad = new Float64Array(kk);
  let loss = 0;
  for (let i = 0; i < rows; i++) {
    const s = Array.from({ length: kk }, (_, c) => (z[i * kk + c] as number) + (bias[c] as number));
    const max = Math.max(...s);
    const sum = s.reduce((a, v) => a + Math.exp(v - max), 0);
    const wi = w ? (w[i] as number) : 1;
    loss += wi * (max + Math.log(sum) - (s[y[i] as number] as number));
    for (let c = 0; c < kk; c++) {
      const r = wi * (Math.exp((s[c] as number) - max) / sum - (c === y[i] ? 1 : 0));
      res[i * kk + c] = r;
      bgrad[c] = (bgrad[c] as number) + r;
    }
  }
  return { loss, res, bgrad };
}

describe('SoftmaxRows', () => {
  for (const [kk, stride, weighted] of [
    [26, 26, false],
    [26, 28, true],
    [3, 4, false],
    [10, 10, true],
    [2, 2, false],
  ] as const) {
    test(`kk = ${kk}, rows ${stride} apart${weighted ? ', weighted' : ''}: loss, residuals and intercept gradient as the plain loops give`, () => {
      const rng = new Rng(kk * 100 + stride);
      const rows = 53;
      const from = 7;
      const z = Float64Array.from({ length: rows * kk }, () => rng.normal() * 4);
      const bias = Float64Array.from({ length: kk }, () => rng.normal());
      const labels = Float64Array.from({ length: from + rows }, () => Math.floor(rng.next() * kk));
      const weights = weighted ? Float64Array.from({ length: from + rows }, () => 0.5 + rng.next()) : undefined;
      const want = reference(z, bias, labels.subarray(from), weights?.subarray(from), kk);
      const softmax = new SoftmaxRows();
      const block = softmax.scores(rows, kk, stride);
      block.fill(123); // what lies between rows must not leak into anything
      for (let i = 0; i < rows; i++) block.set(z.subarray(i * kk, (i + 1) * kk), i * stride);
      const loss = softmax.residuals(bias, labels, weights, from);
      assert.ok(Math.abs(loss - want.loss) <= 1e-12 * Math.abs(want.loss), `loss ${loss} vs ${want.loss}`);
      for (let i = 0; i < rows; i++) {
        for (let c = 0; c < stride; c++) {
          const got = block[i * stride + c] as number;
          const expected = c < kk ? (want.res[i * kk + c] as number) : 0;
          assert.ok(Math.abs(got - expected) <= 1e-14, `row ${i} column ${c}: ${got} vs ${expected}`);
        }
      }
      for (let c = 0; c < kk; c++) {
        assert.ok(Math.abs((softmax.biasGradient[c] as number) - (want.bgrad[c] as number)) <= 1e-12);
      }
    });
  }

  test('scores far apart: the largest takes all, nothing overflows', () => {
    const softmax = new SoftmaxRows();
    const block = softmax.scores(1, 3);
    block.set([1000, -1000, 0]);
    const loss = softmax.residuals(new Float64Array(3), Float64Array.from([1]), undefined, 0);
    assert.equal(loss, 2000);
    assert.deepEqual(Array.from(block), [1, -1, 0]);
  });
});

describe('SoftmaxRows.logisticResiduals (the binary log-loss in WebAssembly)', () => {
  test("its log1p gives Math.log1p's bits on [0, 1]: random values, e^−u, every power of two, the branch edges", () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const exp = new WebAssembly.Instance(new WebAssembly.Module(fs.readFileSync(path.join(WASM_DIR, 'exp.wasm'))), {
      env: { memory },
    }).exports.exp;
    const { log1p } = new WebAssembly.Instance(
      new WebAssembly.Module(fs.readFileSync(path.join(WASM_DIR, 'logistic.wasm'))),
      { env: { memory, exp } },
    ).exports as unknown as { log1p: (x: number) => number };
    const rng = new Rng(21);
    const values: number[] = [
      0,
      1,
      5e-324,
      2 ** -1022,
      2 ** -54,
      2 ** -29,
      2 ** -20,
      Math.SQRT2 - 1,
      0.41422,
      1 - 2 ** -53,
    ];
    values.push(Number.POSITIVE_INFINITY, Number.NaN);
    for (let i = 0; i < 200_000; i++) values.push(rng.next(), Math.exp(-rng.next() * 750));
    for (let e = -1074; e <= 0; e++) for (let m = 0; m < 8; m++) values.push(2 ** e * (1 + m / 8));
    for (const hi of [0x3fda827a, 0x3e200000, 0x3c900000]) {
      const f = new Float64Array(1);
      const u = new Uint32Array(f.buffer);
      for (const d of [-1, 0, 1]) {
        u[1] = hi + d;
        u[0] = 0x12345;
        values.push(f[0] as number);
      }
    }
    let bad = 0;
    for (const x of values) if (!Object.is(log1p(x), Math.log1p(x))) bad++;
    assert.equal(bad, 0, `${bad} of ${values.length} values differ from Math.log1p`);
  });

  for (const [stride, weighted] of [
    [1, false],
    [4, true],
  ] as const) {
    test(`rows ${stride} apart${weighted ? ', weighted' : ''}: the bits of the JavaScript loops it replaced`, () => {
      const rng = new Rng(40 + stride);
      const rows = 301;
      const from = 5;
      const z = Float64Array.from({ length: rows }, (_, i) =>
        i % 50 === 0 ? (i % 100 === 0 ? 800 : -800) : rng.normal() * 6,
      );
      const labels = Float64Array.from({ length: from + rows }, () => (rng.next() < 0.5 ? 1 : 0));
      const weights = weighted ? Float64Array.from({ length: from + rows }, () => 0.25 + rng.next()) : undefined;
      const bias = 0.37;
      // The loops as logistic-loss.ts had them (e^x by expInPlace, the same kernel).
      const tzs = new Float64Array(rows);
      const e = new Float64Array(rows);
      for (let i = 0; i < rows; i++) {
        const t = labels[from + i] === 1 ? 1 : -1;
        const tz = t * ((z[i] as number) + bias);
        tzs[i] = tz;
        e[i] = tz > 0 ? -tz : tz;
      }
      expInPlace(e);
      const res = new Float64Array(rows);
      let wantLoss = 0;
      let wantSum = 0;
      for (let i = 0; i < rows; i++) {
        const t = labels[from + i] === 1 ? 1 : -1;
        const tz = tzs[i] as number;
        const ei = e[i] as number;
        const wi = weights ? (weights[from + i] as number) : 1;
        wantLoss += wi * ((tz < 0 ? -tz : 0) + Math.log1p(ei));
        res[i] = -t * wi * (tz > 0 ? ei / (1 + ei) : 1 / (1 + ei));
        wantSum += res[i] as number;
      }
      const softmax = new SoftmaxRows();
      const block = softmax.scores(rows, 1, stride);
      block.fill(9);
      for (let i = 0; i < rows; i++) block[i * stride] = z[i] as number;
      const loss = softmax.logisticResiduals(bias, labels, weights, from);
      assert.ok(Object.is(loss, wantLoss), `loss ${loss} vs ${wantLoss}`);
      assert.ok(Object.is(softmax.biasGradient[0], wantSum), 'the intercept gradient');
      for (let i = 0; i < rows; i++) {
        assert.ok(Object.is(block[i * stride], res[i]), `row ${i}: ${block[i * stride]} vs ${res[i]}`);
        for (let c = 1; c < stride && i + 1 < rows; c++)
          assert.equal(block[i * stride + c], 9, 'between rows untouched');
      }
    });
  }

  test('the committed logistic.wasm is what logistic.wat compiles to', async () => {
    const built = await compileWat(path.join(WASM_DIR, 'logistic.wat'));
    assert.deepEqual(new Uint8Array(fs.readFileSync(path.join(WASM_DIR, 'logistic.wasm'))), built);
  });
});
