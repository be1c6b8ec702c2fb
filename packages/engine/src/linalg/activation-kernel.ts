import { instantiateKernel } from './wasm-module.js';

/** wasm/activations.wat: a layer's element-wise passes over arrays in the kernel's memory. */
interface ActivationExports {
  bias_relu(z: number, bias: number, rows: number, cols: number): void;
  relu_mask(d: number, h: number, n: number): void;
  column_sums(s: number, m: number, rows: number, cols: number): void;
}

/**
 * Float64 arrays carved out of one WebAssembly memory, and the branch-free passes of a
 * ReLU layer over them (the same bits as the JavaScript loops: wasm/activations.wat).
 * The arrays are ordinary Float64Array views that any code may read and write; the
 * passes take only views of this memory, which does not grow once the arrays are made.
 */
export class ActivationArena {
  private readonly memory: WebAssembly.Memory;
  private readonly kernel: ActivationExports;
  private readonly scratch: Float64Array;
  private next = 0;

  /** Room for `doubles` values in the arrays to come, plus a scratch row of `widest`. */
  constructor(doubles: number, widest: number) {
    const bytes = (doubles + widest + 2) * 8;
    this.memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(bytes / 65536)) });
    this.kernel = instantiateKernel<ActivationExports>('activations.wasm', { memory: this.memory });
    this.scratch = this.array(widest);
  }

  /** A new zeroed array of n values in the arena. */
  array(n: number): Float64Array {
    const view = new Float64Array(this.memory.buffer, this.next * 8, n);
    // Each array 16-byte aligned, for the kernel's two-value loads.
    this.next += n + (n & 1);
    return view;
  }

  /** z[i][j] = max(z[i][j] + bias[j], 0), z [rows × cols] in the arena. */
  biasRelu(z: Float64Array, bias: Float64Array, rows: number, cols: number): void {
    this.own(z);
    this.scratch.set(bias.subarray(0, cols));
    this.kernel.bias_relu(z.byteOffset, this.scratch.byteOffset, rows, cols);
  }

  /** d[k] *= (h[k] > 0 ? 1 : 0) for k < n, both in the arena. */
  reluMask(d: Float64Array, h: Float64Array, n: number): void {
    this.own(d);
    this.own(h);
    this.kernel.relu_mask(d.byteOffset, h.byteOffset, n);
  }

  /** out[at + j] += Σ_i m[i][j] (the column sums from 0 in row order, then added), m in the arena. */
  addColumnSums(out: Float64Array, at: number, m: Float64Array, rows: number, cols: number): void {
    this.own(m);
    this.kernel.column_sums(this.scratch.byteOffset, m.byteOffset, rows, cols);
    const s = this.scratch;
    for (let j = 0; j < cols; j++) out[at + j] = (out[at + j] as number) + (s[j] as number);
  }

  private own(a: Float64Array): void {
    if (a.buffer !== this.memory.buffer) throw new Error('ActivationArena: an array from outside the arena');
  }
}
