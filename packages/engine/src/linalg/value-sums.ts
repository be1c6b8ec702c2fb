import { reserveBytes } from './vector-exp.js';
import { instantiateKernel } from './wasm-module.js';

interface SumsExports {
  sum_squares(v: number, n: number, out: number): void;
  column_sum_squares(x: number, n: number, d: number, out: number): void;
}

// One per thread (module state), for values copied in.
let shared: { memory: WebAssembly.Memory; kernel: SumsExports } | undefined;

/**
 * Σv and Σv² over `values`, in WebAssembly (wasm/sums.wat), summed in order as a
 * JavaScript loop sums them (the same bits), for the passes a fit makes once: such a
 * loop ran interpreted, boxing a double at every step.
 */
export function sumAndSquares(values: Float64Array): { sum: number; squares: number } {
  const n = values.length;
  const { memory, kernel } = sumsKernel();
  reserveBytes(memory, (n + 2) * 8);
  new Float64Array(memory.buffer, 16, n).set(values);
  kernel.sum_squares(16, n, 0);
  const out = new Float64Array(memory.buffer, 0, 2);
  return { sum: out[0] as number, squares: out[1] as number };
}

/** Each column's Σ and Σ² over the rows of a row-major [n × d] matrix, summed top to bottom as sumAndSquares. */
export function columnSumsAndSquares(
  data: Float64Array,
  n: number,
  d: number,
): { sums: Float64Array; squares: Float64Array } {
  const { memory, kernel } = sumsKernel();
  const outAt = n * d * 8;
  reserveBytes(memory, outAt + 2 * d * 8);
  new Float64Array(memory.buffer, 0, n * d).set(data.subarray(0, n * d));
  kernel.column_sum_squares(0, n, d, outAt);
  const out = new Float64Array(memory.buffer, outAt, 2 * d);
  return { sums: out.slice(0, d), squares: out.slice(d) };
}

function sumsKernel(): { memory: WebAssembly.Memory; kernel: SumsExports } {
  if (!shared) {
    const memory = new WebAssembly.Memory({ initial: 1 });
    shared = { memory, kernel: instantiateKernel<SumsExports>('sums.wasm', { memory }) };
  }
  return shared;
}
