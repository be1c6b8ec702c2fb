import fs from 'node:fs';

/**
 * The WebAssembly SIMD matrix product (wasm/gemm.wat, compiled by `npm run build:wasm`),
 * about five times the plain loops' speed. Operands are copied into the module's memory
 * in row blocks, so its memory stays within WORKING_SET doubles whatever the data size.
 */
interface GemmExports {
  memory: WebAssembly.Memory;
  gemm(a: number, b: number, c: number, m: number, k: number, n: number, accumulate: number): void;
}

const kernel = new WebAssembly.Instance(
  new WebAssembly.Module(fs.readFileSync(new URL('./wasm/gemm.wasm', import.meta.url))),
).exports as unknown as GemmExports;

/** Doubles the operands of one kernel call may take (64 MiB by default). */
let WORKING_SET = 8 * 1024 * 1024;

/** Sets the kernel's working set in doubles (tests use a small one to exercise blocking). */
export function setGemmWorkingSet(doubles: number): void {
  WORKING_SET = doubles;
}

/** Three regions of a, b and c doubles, 16-byte aligned; returns their offsets in doubles. */
function regions(a: number, b: number, c: number): { view: Float64Array; pa: number; pb: number; pc: number } {
  const align = (x: number) => (x + 1) & ~1;
  const pa = 0;
  const pb = align(pa + a);
  const pc = align(pb + b);
  const bytes = (pc + c) * 8;
  const have = kernel.memory.buffer.byteLength;
  if (bytes > have) kernel.memory.grow(Math.ceil((bytes - have) / 65536));
  return { view: new Float64Array(kernel.memory.buffer), pa, pb, pc };
}

/** Rows per block so that `fixed` doubles plus `perRow` doubles a row fit the working set, or 0. */
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
): boolean {
  const rows = blockRows(k * n, k + n, m);
  if (rows === 0) return false;
  const { view, pa, pb, pc } = regions(rows * k, k * n, rows * n);
  view.set(b.subarray(0, k * n), pb);
  for (let r0 = 0; r0 < m; r0 += rows) {
    const r = Math.min(rows, m - r0);
    view.set(a.subarray(r0 * k, (r0 + r) * k), pa);
    kernel.gemm(pa * 8, pb * 8, pc * 8, r, k, n, 0);
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
): boolean {
  const rows = blockRows(k * n, k + n, m);
  if (rows === 0) return false;
  const { view, pa, pb, pc } = regions(k * rows, rows * n, k * n);
  for (let r0 = 0; r0 < m; r0 += rows) {
    const r = Math.min(rows, m - r0);
    // Aᵀ block: [k × r]
    for (let i = 0; i < r; i++) {
      const src = (r0 + i) * k;
      for (let p = 0; p < k; p++) view[pa + p * r + i] = a[src + p] as number;
    }
    view.set(b.subarray(r0 * n, (r0 + r) * n), pb);
    kernel.gemm(pa * 8, pb * 8, pc * 8, k, r, n, r0 > 0 ? 1 : 0);
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
): boolean {
  const rows = blockRows(n * k, n + k, m);
  if (rows === 0) return false;
  const { view, pa, pb, pc } = regions(rows * n, n * k, rows * k);
  // Bᵀ: [n × k]
  for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) view[pb + j * k + p] = b[p * n + j] as number;
  for (let r0 = 0; r0 < m; r0 += rows) {
    const r = Math.min(rows, m - r0);
    view.set(a.subarray(r0 * n, (r0 + r) * n), pa);
    kernel.gemm(pa * 8, pb * 8, pc * 8, r, n, k, 0);
    out.set(view.subarray(pc, pc + r * k), r0 * k);
  }
  return true;
}
