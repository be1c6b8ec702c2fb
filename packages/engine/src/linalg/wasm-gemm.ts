import { instantiateKernel } from './wasm-module.js';

/**
 * The WebAssembly SIMD matrix products (wasm/gemm.wat in float64, wasm/gemm-f32.wat in
 * float32; compiled by `npm run build:wasm`), about five times the plain loops' speed in
 * float64 and twice that again in float32. Operands are copied into the module's memory
 * in row blocks (converted to float32 on the way in, back to float64 on the way out), so
 * its memory stays within WORKING_SET elements whatever the data size.
 */
export interface GemmExports {
  memory: WebAssembly.Memory;
  gemm(a: number, b: number, c: number, m: number, k: number, n: number, accumulate: number): void;
}

/** float64 (the products' bits equal the plain loops'), or float32 for training that can take it. */
export type Precision = 'f64' | 'f32';

const load = (file: string) => instantiateKernel<GemmExports>(file);
const kernels = { f64: load('gemm.wasm'), f32: load('gemm-f32.wasm') };

/** wasm/rank-update.wat over the float64 kernel's memory: Aᵀ·B for an A of a few columns. */
const rankUpdate = instantiateKernel<{
  rank_update(a: number, b: number, c: number, m: number, k: number, n: number, accumulate: number): void;
}>('rank-update.wasm', { memory: kernels.f64.memory });

/** Aᵀ·B with A this narrow or narrower goes through rank-update.wat (a linear model's classes). */
const RANK_UPDATE_MAX_K = 12;

/** A float64 kernel with a memory of its own, for operands kept between products (resident-rows.ts). */
export function ownGemmKernel(): GemmExports {
  return load('gemm.wasm');
}

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

/**
 * The kernel's SIMD blocks are 4 rows high and 4 columns wide in float64 (8 in float32);
 * rows and columns past the last full block go through its scalar loop, a strided walk
 * per element about eight times slower (a quarter of logistic regression's time on
 * digits: 10 classes, ranges of 179 rows). Where that pays, operands are laid out padded
 * to whole blocks with zeros, whose products are never read: no real sum changes.
 */
export function paddedRows(rows: number): number {
  // Fewer than a block (a binary model's one row of Aᵀ): padding would multiply the work.
  return rows < 4 ? rows : Math.ceil(rows / 4) * 4;
}

/** The second operand's padded width for `rows` rows of the first. */
export function paddedWidth(width: number, precision: Precision, rows: number): number {
  const block = precision === 'f64' ? 4 : 8;
  // Narrower than a block (one column), or few rows to multiply: copying the operand row
  // by row would cost more than the fringe (measured: logistic regression on spambase,
  // 32 ms unpadded against 50 padded).
  if (width < block || rows < 16 || width % block === 0) return width;
  return Math.ceil(width / block) * block;
}

/** rows × width values of src (from `from`) into the kernel's memory at `at`, rows `stride` apart, zero-padded. */
function putRows(
  view: Float64Array | Float32Array,
  at: number,
  src: Float64Array,
  from: number,
  rows: number,
  width: number,
  stride: number,
): void {
  if (stride === width) {
    view.set(src.subarray(from, from + rows * width), at);
    return;
  }
  if (width < 32) {
    // Narrow rows (one column for a binary model): element by element beats a view per row.
    for (let i = 0; i < rows; i++) {
      const to = at + i * stride;
      const src0 = from + i * width;
      for (let j = 0; j < width; j++) view[to + j] = src[src0 + j] as number;
      for (let j = width; j < stride; j++) view[to + j] = 0;
    }
    return;
  }
  for (let i = 0; i < rows; i++) {
    view.set(src.subarray(from + i * width, from + (i + 1) * width), at + i * stride);
    view.fill(0, at + i * stride + width, at + (i + 1) * stride);
  }
}

/** bᵀ for b [k × n] into the kernel's memory at `at`: n rows `stride` (≥ k) apart, zero-padded. */
export function putTransposed(
  view: Float64Array | Float32Array,
  at: number,
  b: Float64Array,
  k: number,
  n: number,
  stride: number,
): void {
  for (let j = 0; j < n; j++) view.fill(0, at + j * stride + k, at + (j + 1) * stride);
  for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) view[at + j * stride + p] = b[p * n + j] as number;
}

/** rows × width values out of the kernel's memory (rows `stride` apart) into out from `to`. */
export function takeRows(
  out: Float64Array,
  to: number,
  view: Float64Array | Float32Array,
  at: number,
  rows: number,
  width: number,
  stride: number,
): void {
  if (stride === width) {
    out.set(view.subarray(at, at + rows * width), to);
    return;
  }
  if (width < 32) {
    for (let i = 0; i < rows; i++) {
      const from = at + i * stride;
      const dst = to + i * width;
      for (let j = 0; j < width; j++) out[dst + j] = view[from + j] as number;
    }
    return;
  }
  for (let i = 0; i < rows; i++) out.set(view.subarray(at + i * stride, at + i * stride + width), to + i * width);
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
  const np = paddedWidth(n, precision, m);
  const rows = blockRows(k * np, k + np, m);
  if (rows === 0) return false;
  const { kernel, view, size, pa, pb, pc } = regions(precision, paddedRows(rows) * k, k * np, paddedRows(rows) * np);
  putRows(view, pb, b, 0, k, n, np);
  for (let r0 = 0; r0 < m; r0 += rows) {
    const r = Math.min(rows, m - r0);
    view.set(a.subarray(r0 * k, (r0 + r) * k), pa);
    view.fill(0, pa + r * k, pa + paddedRows(r) * k);
    kernel.gemm(pa * size, pb * size, pc * size, paddedRows(r), k, np, 0);
    takeRows(out, r0 * n, view, pc, r, n, np);
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
  if (precision === 'f64' && k <= RANK_UPDATE_MAX_K) return rankUpdateTransA(a, b, m, k, n, out);
  const kp = paddedRows(k);
  const np = paddedWidth(n, precision, kp);
  const rows = blockRows(kp * np, kp + np, m);
  if (rows === 0) return false;
  const { kernel, view, size, pa, pb, pc } = regions(precision, kp * rows, rows * np, kp * np);
  for (let r0 = 0; r0 < m; r0 += rows) {
    const r = Math.min(rows, m - r0);
    // Aᵀ block: [k × r], then zero rows up to kp
    for (let i = 0; i < r; i++) {
      const src = (r0 + i) * k;
      for (let p = 0; p < k; p++) view[pa + p * r + i] = a[src + p] as number;
    }
    view.fill(0, pa + k * r, pa + kp * r);
    putRows(view, pb, b, r0 * n, r, n, np);
    kernel.gemm(pa * size, pb * size, pc * size, kp, r, np, r0 > 0 ? 1 : 0);
  }
  takeRows(out, 0, view, pc, k, n, np);
  return true;
}

/**
 * out[k×n] = a[m×k]ᵀ · b[m×n] as rank-4 updates of out over b's rows in order (the same
 * sums), b's rows copied in as they are (padded to an even width) and a's unchanged: the
 * 4×4 blocks walked a tall b down its columns for every block of out, streaming it from
 * memory again per four columns (Fashion-MNIST's 784-feature gradient at ~1.5 GMAC/s).
 */
function rankUpdateTransA(
  a: Float64Array,
  b: Float64Array,
  m: number,
  k: number,
  n: number,
  out: Float64Array,
): boolean {
  const np = n + (n & 1);
  const rows = blockRows(k * np, k + np, m);
  if (rows === 0) return false;
  const { view, pa, pb, pc } = regions('f64', k * rows, rows * np, k * np);
  for (let r0 = 0; r0 < m; r0 += rows) {
    const r = Math.min(rows, m - r0);
    view.set(a.subarray(r0 * k, (r0 + r) * k), pa);
    putRows(view, pb, b, r0 * n, r, n, np);
    rankUpdate.rank_update(pa * 8, pb * 8, pc * 8, r, k, np, r0 > 0 ? 1 : 0);
  }
  takeRows(out, 0, view, pc, k, n, np);
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
  const kp = paddedWidth(k, precision, m);
  const rows = blockRows(n * kp, n + kp, m);
  if (rows === 0) return false;
  const { kernel, view, size, pa, pb, pc } = regions(precision, paddedRows(rows) * n, n * kp, paddedRows(rows) * kp);
  putTransposed(view, pb, b, k, n, kp);
  for (let r0 = 0; r0 < m; r0 += rows) {
    const r = Math.min(rows, m - r0);
    view.set(a.subarray(r0 * n, (r0 + r) * n), pa);
    view.fill(0, pa + r * n, pa + paddedRows(r) * n);
    kernel.gemm(pa * size, pb * size, pc * size, paddedRows(r), n, kp, 0);
    takeRows(out, r0 * k, view, pc, r, k, kp);
  }
  return true;
}
