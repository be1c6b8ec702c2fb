import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Rng } from '../random/rng.js';
import { ArrayVectors, lbfgsVectors } from './lbfgs-vectors.js';

describe('L-BFGS vector passes in WebAssembly (lbfgs.wat)', () => {
  for (const n of [1, 2, 3, 4, 5, 7, 8, 1001]) {
    test(`n = ${n}: the bits of the JavaScript loops`, () => {
      const rng = new Rng(n);
      const wasm = lbfgsVectors(n, 8);
      const plain = new ArrayVectors(n);
      const fill = () => Float64Array.from({ length: n }, () => rng.normal() * 10 ** Math.floor(rng.next() * 6 - 3));
      const values = Array.from({ length: 6 }, fill);
      const vs = values.map((v) => {
        const t = wasm.take();
        t.set(v);
        return t;
      });
      assert.ok(vs[0]?.buffer !== values[0]?.buffer, 'the vectors live in the kernel’s memory');
      const ps = values.map((v) => v.slice());
      const [a0, a1, a2, a3, a4, a5] = vs as [
        Float64Array,
        Float64Array,
        Float64Array,
        Float64Array,
        Float64Array,
        Float64Array,
      ];
      const [b0, b1, b2, b3, b4, b5] = ps as [
        Float64Array,
        Float64Array,
        Float64Array,
        Float64Array,
        Float64Array,
        Float64Array,
      ];
      const same = (what: string) => {
        for (const [i, v] of vs.entries()) assert.deepEqual(v, ps[i], `${what}: vector ${i}`);
      };
      assert.equal(wasm.axpyDot(0.37, a0, a1, a2), plain.axpyDot(0.37, b0, b1, b2), 'axpyDot');
      same('axpyDot');
      assert.equal(wasm.scaledDot(a1, -1.3, a3, a4), plain.scaledDot(b1, -1.3, b3, b4), 'scaledDot');
      assert.equal(wasm.scaledDot(a3, 0.7, a3, a0), plain.scaledDot(b3, 0.7, b3, b0), 'scaledDot in place');
      same('scaledDot');
      wasm.stepFrom(a0, 0.25, a1, a5);
      plain.stepFrom(b0, 0.25, b1, b5);
      same('stepFrom');
      assert.equal(wasm.differences(a5, a0, a3, a1, a2, a4), plain.differences(b5, b0, b3, b1, b2, b4), 'differences');
      same('differences');
      assert.equal(wasm.dot(a2, a4), plain.dot(b2, b4), 'dot');
      wasm.axpy(-2.5, a2, a3);
      plain.axpy(-2.5, b2, b3);
      wasm.negate(a3, a1);
      plain.negate(b3, b1);
      wasm.divideBy(a1, 3);
      plain.divideBy(b1, 3);
      same('axpy, negate, divideBy');
      assert.equal(wasm.maxAbs(a1), plain.maxAbs(b1), 'maxAbs');
      a1[n - 1] = Number.NaN;
      assert.ok(Number.isNaN(wasm.maxAbs(a1)), 'maxAbs of a NaN is NaN, as Math.max');
    });
  }

  test('a space gives out the vectors it was made for, zeroed', () => {
    const space = lbfgsVectors(3, 2);
    assert.deepEqual(Array.from(space.take()), [0, 0, 0]);
    space.take();
    assert.throws(() => space.take(), /all 2 vectors are taken/);
  });
});
