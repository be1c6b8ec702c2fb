import { type Precision, wasmMatmul, wasmMatmulTransA, wasmMatmulTransB } from './wasm-gemm.js';

export type { Precision } from './wasm-gemm.js';

/**
 * Dense matrix products on row-major float64 arrays; `out` is overwritten. Products of
 * some size run in the WebAssembly SIMD kernel, small ones in plain loops (i-k-j order,
 * so the inner loop walks both operands contiguously); both sum in the same order. With
 * `precision` 'f32' the kernel multiplies and sums in float32 (about twice as fast; the
 * MLP's training takes it); the plain loops stay in float64.
 */

/** Below this many multiply-adds, copying into the kernel costs more than it saves. */
const WASM_MIN_WORK = 16_384;

/** out[m×n] = a[m×k] · b[k×n] */
export function matmul(
  a: Float64Array,
  b: Float64Array,
  m: number,
  k: number,
  n: number,
  out: Float64Array,
  precision: Precision = 'f64',
): void {
  if (m * k * n >= WASM_MIN_WORK && wasmMatmul(a, b, m, k, n, out, precision)) return;
  out.fill(0, 0, m * n);
  for (let i = 0; i < m; i++) {
    const oi = i * n;
    for (let p = 0; p < k; p++) {
      const av = a[i * k + p] as number;
      if (av === 0) continue;
      const bp = p * n;
      for (let j = 0; j < n; j++) out[oi + j] = (out[oi + j] as number) + av * (b[bp + j] as number);
    }
  }
}

/** out[k×n] = a[m×k]ᵀ · b[m×n] */
export function matmulTransA(
  a: Float64Array,
  b: Float64Array,
  m: number,
  k: number,
  n: number,
  out: Float64Array,
  precision: Precision = 'f64',
): void {
  if (m * k * n >= WASM_MIN_WORK && wasmMatmulTransA(a, b, m, k, n, out, precision)) return;
  out.fill(0, 0, k * n);
  for (let i = 0; i < m; i++) {
    const bi = i * n;
    for (let p = 0; p < k; p++) {
      const av = a[i * k + p] as number;
      if (av === 0) continue;
      const op = p * n;
      for (let j = 0; j < n; j++) out[op + j] = (out[op + j] as number) + av * (b[bi + j] as number);
    }
  }
}

/** out[m×k] = a[m×n] · b[k×n]ᵀ */
export function matmulTransB(
  a: Float64Array,
  b: Float64Array,
  m: number,
  n: number,
  k: number,
  out: Float64Array,
  precision: Precision = 'f64',
): void {
  if (m * k * n >= WASM_MIN_WORK && wasmMatmulTransB(a, b, m, n, k, out, precision)) return;
  for (let i = 0; i < m; i++) {
    const ai = i * n;
    for (let p = 0; p < k; p++) {
      const bp = p * n;
      let s = 0;
      for (let j = 0; j < n; j++) s += (a[ai + j] as number) * (b[bp + j] as number);
      out[i * k + p] = s;
    }
  }
}
