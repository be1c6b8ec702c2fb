import fs from 'node:fs';

/**
 * The WebAssembly SIMD matrix products (wasm/gemm.wat in float64, wasm/gemm-f32.wat in
 * float32; compiled by `npm run build:wasm`), about five times the plain loops' speed in
 * float64 and twice that again in float32. Operands are copied into the module's memory
 * in row blocks (converted to float32 on the way in, back to float64 on the way out), so
 * its memory stays within WORKING_SET elements whatever the data size.
 */
interface GemmExports {
  memory: WebAssembly.Memory;
  gemm(a: number, b: number, c: number, m: number, k: number, n: number, accumulate: number): void;
}

/** float64 (the products' bits equal the plain loops'), or float32 for training that can take it. */
export type Precision = 'f64' | 'f32';

const load = (file: string) =>
  new WebAssembly.Instance(new WebAssembly.Module(fs.readFileSync(new URL(`./wasm/${file}`, import.meta.url))))
    .exports as unknown as GemmExports;
const kernels = { f64: load('gemm.wasm'), f32: load('gemm-f32.wasm') };

/** Elements the operands of one kernel call may take (64 MiB of float64 by default). */
let WORKING_SET = 8 * 1024 * 1024;

/** Sets the kernel's working set in elements (tests use a small one to exercise blocking). */
export function setGemmWorkingSet(elements: number): void {
  WORKING_SET = elements;
}

interface Regions {
  kernel: GemmExports;
  view: Float64Array | Float32Array;
  /** Bytes per element. */
  size: number;
  pa: number;
  pb: number;
  pc: number;
}

/** Three regions of a, b and c elements, 16-byte aligned; offsets in elements. */
function regions(precision: Precision, a: number, b: number, c: number): Regions {
  const kernel = kernels[precision];
  const size = precision === 'f64' ? 8 : 4;
  const lanes = 16 / size;
  const align = (x: number) => Math.ceil(x / lanes) * lanes;
  const pa = 0;
  const pb = align(pa + a);
  const pc = align(pb + b);
  const bytes = (pc + c) * size;
  const have = kernel.memory.buffer.byteLength;
  if (bytes > have) kernel.memory.grow(Math.ceil((bytes - have) / 65536));
  const view = precision === 'f64' ? new Float64Array(kernel.memory.buffer) : new Float32Array(kernel.memory.buffer);
  return { kernel, view, size, pa, pb, pc };
}

/** Rows per block so that `fixed` elements plus `perRow` elements a row fit the working set, or 0. */
function blockRows(fixed: number, perRow: number, rows: number): number {
  const r = Math.floor((WORKING_SET - fixed) / Math.max(1, perRow));
  return r < 4 ? 0 : Math.min(rows, r - (r % 4));
}

/** out[m×n] = a[m×k] · b[k×n]; false when the operands are too large for the kernel. */
export function wasmMatmul(
  a: Float64Array,
  b: Float64Array,
  m: number,
  k: number,
  n: number,
  out: Float64Array,
  precision: Precision = 'f64',
): boolean {
  const rows = blockRows(k * n, k + n, m);
  if (rows === 0) return false;
  const { kernel, view, size, pa, pb, pc } = regions(precision, rows * k, k * n, rows * n);
  view.set(b.subarray(0, k * n), pb);
  for (let r0 = 0; r0 < m; r0 += rows) {
    const r = Math.min(rows, m - r0);
    view.set(a.subarray(r0 * k, (r0 + r) * k), pa);
    kernel.gemm(pa * size, pb * size, pc * size, r, k, n, 0);
    out.set(view.subarray(pc, pc + r * n), r0 * n);
  }
  return true;
}

/** out[k×n] = a[m×k]ᵀ · b[m×n], summing over m in blocks (in order, so the sums are the loops'). */
export function wasmMatmulTransA(
  a: Float64Array,
  b: Float64Array,
  m: number,
  k: number,
  n: number,
  out: Float64Array,
  precision: Precision = 'f64',
): boolean {
  const rows = blockRows(k * n, k + n, m);
  if (rows === 0) return false;
  const { kernel, view, size, pa, pb, pc } = regions(precision, k * rows, rows * n, k * n);
  for (let r0 = 0; r0 < m; r0 += rows) {
    const r = Math.min(rows, m - r0);
    // Aᵀ block: [k × r]
    for (let i = 0; i < r; i++) {
      const src = (r0 + i) * k;
      for (let p = 0; p < k; p++) view[pa + p * r + i] = a[src + p] as number;
    }
    view.set(b.subarray(r0 * n, (r0 + r) * n), pb);
    kernel.gemm(pa * size, pb * size, pc * size, k, r, n, r0 > 0 ? 1 : 0);
  }
  out.set(view.subarray(pc, pc + k * n));
  return true;
}

/** out[m×k] = a[m×n] · b[k×n]ᵀ */
export function wasmMatmulTransB(
  a: Float64Array,
  b: Float64Array,
  m: number,
  n: number,
  k: number,
  out: Float64Array,
  precision: Precision = 'f64',
): boolean {
  const rows = blockRows(n * k, n + k, m);
  if (rows === 0) return false;
  const { kernel, view, size, pa, pb, pc } = regions(precision, rows * n, n * k, rows * k);
  // Bᵀ: [n × k]
  for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) view[pb + j * k + p] = b[p * n + j] as number;
  for (let r0 = 0; r0 < m; r0 += rows) {
    const r = Math.min(rows, m - r0);
    view.set(a.subarray(r0 * n, (r0 + r) * n), pa);
    kernel.gemm(pa * size, pb * size, pc * size, r, n, k, 0);
    out.set(view.subarray(pc, pc + r * k), r0 * k);
  }
  return true;
}
