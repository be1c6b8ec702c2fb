import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { compileWat, WASM_DIR } from '../../scripts/wat-compiler.js';
import { Rng } from '../random/rng.js';
import { kernel } from '../svm/kernel.js';
import { KernelRows } from '../svm/kernel-rows.js';
import { ResidentMatrix, vecmatKernel } from './resident-matrix.js';

const KERNELS = [
  { type: 'rbf', gamma: 0.2, coef0: 0, degree: 3 },
  { type: 'poly', gamma: 0.5, coef0: 1, degree: 3 },
  { type: 'linear', gamma: 1, coef0: 0, degree: 1 },
] as const;

describe('ResidentMatrix (WebAssembly q · B)', () => {
  // n = 8k and n = 8k + r: the vector part and the one-at-a-time tail. Each matrix is
  // released before the next, which then reuses (and grows) the same memory.
  for (const [d, n] of [
    [5, 16],
    [7, 29],
    [1, 3],
    [64, 360],
    [3, 11],
  ] as const) {
    test(`d = ${d}, n = ${n}: the same bits as a loop summing in feature order`, () => {
      const rng = new Rng(d * 1000 + n);
      const m = ResidentMatrix.create(d, n) as ResidentMatrix;
      for (let i = 0; i < d * n; i++) m.b[i] = rng.normal();
      for (let j = 0; j < d; j++) m.q[j] = rng.normal();
      const want = new Float64Array(n);
      for (let t = 0; t < n; t++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += (m.q[j] as number) * (m.b[j * n + t] as number);
        want[t] = s;
      }
      m.multiply();
      assert.deepEqual(Float64Array.from(m.out), want);
      m.release();
    });
  }

  for (const [d, n] of [
    [9, 24],
    [13, 37],
    [4, 5],
  ] as const) {
    test(`d = ${d}, n = ${n}, q half zeros: multiplyNonzero gives multiply's bits, and all zeros give zeros`, () => {
      const rng = new Rng(d * 7 + n);
      const m = ResidentMatrix.create(d, n) as ResidentMatrix;
      for (let i = 0; i < d * n; i++) m.b[i] = rng.normal();
      for (let j = 0; j < d; j++) m.q[j] = j % 2 === 1 || rng.next() < 0.3 ? 0 : rng.normal();
      m.multiply();
      const dense = Float64Array.from(m.out);
      m.out.fill(Number.NaN);
      m.multiplyNonzero();
      assert.deepEqual(Float64Array.from(m.out), dense);
      // The dropped zeros really are dropped: a NaN behind a zero of q no longer reaches the sums.
      for (let j = 0; j < d; j++) if (m.q[j] === 0) m.b.fill(Number.NaN, j * n, (j + 1) * n);
      m.multiplyNonzero();
      assert.deepEqual(Float64Array.from(m.out), dense);
      m.q.fill(0);
      m.multiplyNonzero();
      assert.deepEqual(Array.from(m.out), new Array(n).fill(0));
      m.release();
    });
  }

  // n = 4k and 4k + r: the four-column strips and the one-at-a-time tail.
  for (const [d, n] of [
    [9, 24],
    [13, 37],
    [1, 3],
    [30, 6],
  ] as const) {
    test(`d = ${d}, n = ${n}: multiplyNonzero4 gives each of four vectors multiplyNonzero's values (zeros, shared and not, and an all-zero vector)`, () => {
      const rng = new Rng(d * 31 + n);
      const m = ResidentMatrix.create(d, n, 0, 4) as ResidentMatrix;
      for (let i = 0; i < d * n; i++) m.b[i] = rng.normal();
      // Vector 3 all zeros; feature 0 zero in every vector; the others zero here and there.
      for (let r = 0; r < 4; r++)
        for (let j = 0; j < d; j++) m.qs[r * d + j] = r === 3 || j === 0 || rng.next() < 0.4 ? 0 : rng.normal();
      const qs = Float64Array.from(m.qs);
      m.outs.fill(Number.NaN);
      m.multiplyNonzero4();
      const four = Float64Array.from(m.outs);
      for (let r = 0; r < 4; r++) {
        m.q.set(qs.subarray(r * d, (r + 1) * d));
        m.multiplyNonzero();
        // deepEqual tells -0 from 0: compare as numbers, which the kernel values are made of.
        for (let t = 0; t < n; t++) assert.ok(four[r * n + t] === m.out[t], `vector ${r}, output ${t}`);
      }
      // A feature zero in all four is not read: a NaN there reaches no sum.
      m.qs.set(qs);
      m.b.fill(Number.NaN, 0, n);
      m.multiplyNonzero4();
      assert.ok(m.outs.every((v, i) => v === four[i]));
      m.release();
    });
  }

  test('multiplyNonzero4 needs a matrix made for four vectors', () => {
    const m = ResidentMatrix.create(3, 5) as ResidentMatrix;
    assert.throws(() => m.multiplyNonzero4(), /queries = 4/);
  });

  test('a released memory goes to the next matrix (products right over the old values); one not released does not', () => {
    const a = ResidentMatrix.create(4, 10) as ResidentMatrix;
    a.b.fill(7);
    const buffer = a.b.buffer;
    a.release();
    const b = ResidentMatrix.create(2, 6) as ResidentMatrix;
    assert.equal(b.b.buffer, buffer, 'the same memory');
    b.b.fill(1);
    b.q.set([2, 3]);
    b.multiply();
    assert.deepEqual(Array.from(b.out), [5, 5, 5, 5, 5, 5]);
    // Not released: the next matrix gets a memory of its own.
    const c = ResidentMatrix.create(2, 6) as ResidentMatrix;
    assert.notEqual(c.b.buffer, b.b.buffer);
  });

  test('refuses a matrix past its memory budget', () => {
    assert.equal(ResidentMatrix.create(100_000, 100_000), undefined);
  });

  test('kernel rows match the kernel entry by entry (rbf, poly, linear), on a subset of rows', () => {
    const rng = new Rng(9);
    const d = 11;
    const x = Float64Array.from({ length: 40 * d }, () => rng.normal());
    const rows = Int32Array.from([3, 17, 0, 39, 8, 21, 5, 30, 12, 2, 33]);
    for (const spec of KERNELS) {
      const kr = new KernelRows(x, d, rows, spec);
      const out = new Float64Array(rows.length);
      for (let i = 0; i < rows.length; i++) {
        kr.row(i, out);
        for (let t = 0; t < rows.length; t++) {
          const want = kernel(spec, x, (rows[i] as number) * d, x, (rows[t] as number) * d, d);
          assert.ok(
            Math.abs((out[t] as number) - want) < 1e-12 * Math.max(1, Math.abs(want)),
            `${spec.type} ${i},${t}`,
          );
        }
        assert.ok(Math.abs(kr.diagonal(i) - (out[i] as number)) < 1e-12);
      }
    }
  });

  test('a vector from elsewhere against the rows (a prediction against the support vectors) matches the kernel entry by entry, zeros in it included', () => {
    const rng = new Rng(10);
    const d = 13;
    const x = Float64Array.from({ length: 30 * d }, () => rng.normal());
    const queries = Float64Array.from({ length: 4 * d }, (_, i) => (i % 3 === 0 ? 0 : rng.normal()));
    const rows = Int32Array.from([4, 0, 29, 11, 7, 18, 2]);
    for (const spec of KERNELS) {
      const kr = new KernelRows(x, d, rows, spec);
      const out = new Float64Array(rows.length);
      for (let q = 0; q < 4; q++) {
        kr.against(queries, q * d, out);
        for (let t = 0; t < rows.length; t++) {
          const want = kernel(spec, queries, q * d, x, (rows[t] as number) * d, d);
          assert.ok(
            Math.abs((out[t] as number) - want) < 1e-12 * Math.max(1, Math.abs(want)),
            `${spec.type} ${q},${t}`,
          );
        }
      }
      kr.release();
    }
  });

  test("four vectors at a time (against4) give against()'s values, for a full four and fewer, resident or not", () => {
    const rng = new Rng(12);
    const d = 13;
    const x = Float64Array.from({ length: 30 * d }, () => rng.normal());
    const queries = Float64Array.from({ length: 7 * d }, (_, i) => (i % 3 === 0 ? 0 : rng.normal()));
    const rows = Int32Array.from([4, 0, 29, 11, 7, 18, 2, 25, 9]);
    const n = rows.length;
    for (const spec of KERNELS) {
      const one = new KernelRows(x, d, rows, spec);
      const four = new KernelRows(x, d, rows, spec, 4);
      const want = new Float64Array(n);
      const got = new Float64Array(4 * n);
      for (const [from, count] of [
        [0, 4],
        [4, 3],
        [6, 1],
      ] as const) {
        four.against4(queries, from * d, count, got);
        for (let r = 0; r < count; r++) {
          one.against(queries, (from + r) * d, want);
          for (let t = 0; t < n; t++)
            assert.ok(got[r * n + t] === want[t], `${spec.type} vector ${from + r}, row ${t}`);
        }
        // Made for one vector at a time, against4 gives the same, a vector after another.
        one.against4(queries, from * d, count, got);
        for (let r = 0; r < count; r++) {
          one.against(queries, (from + r) * d, want);
          for (let t = 0; t < n; t++) assert.ok(got[r * n + t] === want[t]);
        }
      }
      one.release();
      four.release();
    }
  });

  // d = 8k and 8k + r: the eight-row blocks and the one-at-a-time tail rows.
  for (const [d, n] of [
    [8, 5],
    [57, 37],
    [1, 9],
    [3, 1],
    [17, 64],
  ] as const) {
    test(`matvec, d = ${d}, n = ${n}: A·v with the same bits as a loop summing in column order`, () => {
      const rng = new Rng(d * 7919 + n);
      const memory = new WebAssembly.Memory({ initial: 1 });
      const kernel = vecmatKernel(memory);
      const f = new Float64Array(memory.buffer);
      // A at 8 (not 0: addresses are offsets), v after it, out after v.
      const aAt = 1;
      const vAt = aAt + d * n;
      const outAt = vAt + n;
      for (let i = 0; i < d * n + n; i++) f[aAt + i] = rng.normal();
      f[outAt + d] = 42;
      kernel.matvec(aAt * 8, vAt * 8, outAt * 8, d, n);
      for (let j = 0; j < d; j++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += (f[aAt + j * n + i] as number) * (f[vAt + i] as number);
        assert.equal(f[outAt + j], s, `out[${j}]`);
      }
      assert.equal(f[outAt + d], 42, 'nothing written past out[d − 1]');
    });
  }

  test('the committed vecmat.wasm is what vecmat.wat compiles to', async () => {
    const built = await compileWat(path.join(WASM_DIR, 'vecmat.wat'));
    assert.deepEqual(new Uint8Array(fs.readFileSync(path.join(WASM_DIR, 'vecmat.wasm'))), built);
  });
});
