import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { compileWat, WASM_DIR } from '../../scripts/wat-compiler.js';
import { Rng } from '../random/rng.js';
import { matmul, matmulTransA, matmulTransB } from './gemm.js';
import { setGemmWorkingSet } from './wasm-gemm.js';

function random(n: number, rng: Rng): Float64Array {
  return Float64Array.from({ length: n }, () => rng.normal());
}

/** C = A·B summed in order p = 0, 1, …, as the kernel promises. */
function reference(a: Float64Array, b: Float64Array, m: number, k: number, n: number): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += (a[i * k + p] as number) * (b[p * n + j] as number);
      c[i * n + j] = s;
    }
  }
  return c;
}

/** C = A·B in float32: operands rounded, each product and each partial sum rounded, in order. */
function referenceF32(a: Float64Array, b: Float64Array, m: number, k: number, n: number): Float64Array {
  const f = Math.fround;
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s = f(s + f(f(a[i * k + p] as number) * f(b[p * n + j] as number)));
      c[i * n + j] = s;
    }
  }
  return c;
}

function transpose(a: Float64Array, rows: number, cols: number): Float64Array {
  const t = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = a[r * cols + c] as number;
  return t;
}

describe('matrix products (WebAssembly SIMD kernel and plain loops)', () => {
  const rng = new Rng(11);
  // Sizes with fringes (not multiples of 4) on every side, above and below the kernel's threshold.
  for (const [m, k, n] of [
    [37, 29, 23],
    [64, 64, 128],
    [5, 3, 2],
    [130, 1, 7],
  ] as const) {
    test(`${m}×${k} · ${k}×${n}: the same bits as the ordered loop, in all three forms`, () => {
      const a = random(m * k, rng);
      const b = random(k * n, rng);
      const want = reference(a, b, m, k, n);
      const out = new Float64Array(m * n);
      matmul(a, b, m, k, n, out);
      assert.deepEqual(out, want);
      matmulTransA(transpose(a, m, k), b, k, m, n, out);
      assert.deepEqual(out, want);
      matmulTransB(a, transpose(b, k, n), m, k, n, out);
      assert.deepEqual(out, want);
    });
  }

  // Above the kernel's threshold (below it the plain float64 loops run), with column
  // fringes past the float32 kernel's blocks of 8.
  for (const [m, k, n] of [
    [37, 29, 23],
    [64, 64, 128],
    [13, 40, 45],
  ] as const) {
    test(`${m}×${k} · ${k}×${n} in float32: the bits of the ordered float32 loop, in all three forms`, () => {
      const a = random(m * k, rng);
      const b = random(k * n, rng);
      const want = referenceF32(a, b, m, k, n);
      const out = new Float64Array(m * n);
      matmul(a, b, m, k, n, out, 'f32');
      assert.deepEqual(out, want);
      matmulTransA(transpose(a, m, k), b, k, m, n, out, 'f32');
      assert.deepEqual(out, want);
      matmulTransB(a, transpose(b, k, n), m, k, n, out, 'f32');
      assert.deepEqual(out, want);
      // Within float32's rounding of the float64 product.
      const exact = reference(a, b, m, k, n);
      for (let i = 0; i < exact.length; i++) assert.ok(Math.abs((out[i] as number) - (exact[i] as number)) < 1e-4 * k);
    });
  }

  test('operands larger than the working set go through in row blocks with the same result', () => {
    const [m, k, n] = [203, 17, 11];
    const a = random(m * k, rng);
    const b = random(k * n, rng);
    const want = reference(a, b, m, k, n);
    setGemmWorkingSet(2000); // blocks of a few dozen rows
    try {
      const out = new Float64Array(m * n);
      matmul(a, b, m, k, n, out);
      assert.deepEqual(out, want);
      const bt = new Float64Array(k * n);
      matmulTransA(a, reference(a, b, m, k, n).subarray(0, m * n), m, k, n, bt);
      // Aᵀ·C summed over all m rows across blocks.
      assert.deepEqual(bt, reference(transpose(a, m, k), want, k, m, n));
      matmulTransA(a, want, m, k, n, bt, 'f32');
      assert.deepEqual(bt, referenceF32(transpose(a, m, k), want, k, m, n));
    } finally {
      setGemmWorkingSet(8 * 1024 * 1024);
    }
  });

  test('Aᵀ·B for an A a few columns wide (rank-4 updates): the bits of the ordered loop, with and without blocks', () => {
    for (const blocked of [false, true]) {
      if (blocked) setGemmWorkingSet(3000);
      try {
        for (const [m, k, n] of [
          [257, 10, 64],
          [203, 3, 11],
          [130, 12, 45],
          [41, 1, 128],
        ] as const) {
          const a = random(m * k, rng);
          const b = random(m * n, rng);
          const out = new Float64Array(k * n).fill(Number.NaN);
          matmulTransA(a, b, m, k, n, out);
          assert.deepEqual(
            out,
            reference(transpose(a, m, k), b, k, m, n),
            `${m}×${k}ᵀ · ${m}×${n}, blocked ${blocked}`,
          );
        }
      } finally {
        setGemmWorkingSet(8 * 1024 * 1024);
      }
    }
  });

  for (const name of ['gemm', 'gemm-f32', 'rank-update']) {
    test(`the committed ${name}.wasm is what ${name}.wat compiles to`, async () => {
      const built = await compileWat(path.join(WASM_DIR, `${name}.wat`));
      assert.deepEqual(new Uint8Array(fs.readFileSync(path.join(WASM_DIR, `${name}.wasm`))), built);
    });
  }
});
