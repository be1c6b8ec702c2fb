import { instantiateKernel, kernelOver } from './wasm-module.js';

/**
 * e^x over arrays in WebAssembly SIMD (wasm/exp.wat): about 5 ns a value where Math.exp
 * costs 20–150 ns (a call into V8's fdlibm port each time; measured on the AMD and Intel
 * hosts). Within 2 units in the last place of Math.exp (1.4 measured over its range), not
 * the same bits.
 */
interface ExpExports {
  exp(v: number, n: number): void;
  softmax_rows: SoftmaxRowsPass;
  /** softmax_rows with bgrad added to, not zeroed first. */
  softmax_rows_more: SoftmaxRowsPass;
}

/** exp.wat's softmax over a block of score rows (see its comment); addresses in bytes. */
type SoftmaxRowsPass = (
  z: number,
  stride: number,
  bias: number,
  labels: number,
  weights: number,
  rows: number,
  kk: number,
  stats: number,
  bgrad: number,
) => void;

/** wasm/logistic.wat: the binary log-loss's rows, over the same memory and e^x. */
interface LogisticExports {
  logistic_rows(
    z: number,
    stride: number,
    bias: number,
    labels: number,
    weights: number,
    rows: number,
    scratch: number,
    bgrad: number,
  ): number;
}

/** exp.wat's RBF kernel row, over the memory that holds the row's dot products (resident-matrix.ts). */
export interface RbfRowExports {
  /** dots[t] ← e^(g·max(ni + norms[t] − 2·dots[t], 0)) for t < n; addresses in bytes. */
  rbf_row(dots: number, norms: number, ni: number, g: number, n: number): void;
}

/** rbf_row over `memory`, one instance per memory (resident matrices hand theirs on from pair to pair). */
export function rbfRowKernel(memory: WebAssembly.Memory): RbfRowExports {
  return kernelOver<RbfRowExports>('exp.wasm', memory);
}

/** The kernel over `memory` (its own, or a product kernel's: see SoftmaxRows). */
function expKernel(memory: WebAssembly.Memory): ExpExports {
  return instantiateKernel<ExpExports>('exp.wasm', { memory });
}

/** Grows `memory` to hold `bytes`. */
export function reserveBytes(memory: WebAssembly.Memory, bytes: number): void {
  const have = memory.buffer.byteLength;
  if (bytes > have) memory.grow(Math.ceil((bytes - have) / 65536));
}

// One per thread (module state), for values copied in and out.
let shared: { memory: WebAssembly.Memory; kernel: ExpExports } | undefined;

/** values[from..to) ← e^values[from..to). */
export function expInPlace(values: Float64Array, from = 0, to = values.length): void {
  const n = to - from;
  if (n <= 0) return;
  if (!shared) {
    const memory = new WebAssembly.Memory({ initial: 1 });
    shared = { memory, kernel: expKernel(memory) };
  }
  reserveBytes(shared.memory, n * 8);
  const view = new Float64Array(shared.memory.buffer, 0, n);
  view.set(values.subarray(from, to));
  shared.kernel.exp(0, n);
  values.set(view, from);
}

/**
 * The per-row work of the multinomial log-loss over a score block in WebAssembly memory:
 * the caller writes X·Wᵀ into `scores(rows, kk, stride)` (a product kernel can write
 * there directly when the memory is its own: ResidentDesign), then `residuals` turns
 * them into w·(softmax − one-hot) in place and returns the loss, with the intercepts'
 * gradient in `biasGradient`. Views are valid until the next `scores` call.
 */
export class SoftmaxRows {
  private readonly kernel: ExpExports;
  private logistic: LogisticExports | undefined;
  private rows = 0;
  private kk = 0;
  private stride = 0;
  // Views of the memory, which is shared when workers read the same rows (streamed-design.ts).
  private z: Float64Array<ArrayBufferLike> = new Float64Array(0);
  private stats: Float64Array<ArrayBufferLike> = new Float64Array(0);
  private labels: Float64Array<ArrayBufferLike> = new Float64Array(0);
  private weights: Float64Array<ArrayBufferLike> = new Float64Array(0);
  private bias: Float64Array<ArrayBufferLike> = new Float64Array(0);
  /** Σ over rows of each column's residual, after `residuals`. */
  biasGradient: Float64Array<ArrayBufferLike> = new Float64Array(0);

  /** Its arrays from double `base` of `memory` on (the memory grows as they need). */
  constructor(
    private readonly memory = new WebAssembly.Memory({ initial: 1 }),
    private readonly base = 0,
  ) {
    this.kernel = expKernel(memory);
  }

  /**
   * The score block, rows `stride` doubles apart (kk used, the rest set to 0 by
   * `residuals`), room for `blockRows` rows (≥ rows: a product kernel's padded rows).
   */
  scores(rows: number, kk: number, stride = kk, blockRows = rows): Float64Array {
    if (
      rows !== this.rows ||
      kk !== this.kk ||
      stride !== this.stride ||
      blockRows * stride !== this.z.length ||
      this.z.byteLength === 0
    ) {
      this.layOut(rows, kk, stride, blockRows);
    }
    return this.z;
  }

  /** Bytes of the memory its arrays reach up to (from address 0). */
  get extentBytes(): number {
    return this.biasGradient.byteOffset + this.biasGradient.byteLength;
  }

  /** The score block's byte address in the memory. */
  get scoresAddress(): number {
    return this.z.byteOffset;
  }

  /**
   * Residuals in place of the scores; the weighted loss Σ w_i (log Σ_c e^{z_ic} − z_iy)
   * returned. labels[from + i] and weights[from + i] belong to row i.
   */
  residuals(bias: Float64Array, labels: Float64Array, weights: Float64Array | undefined, from: number): number {
    return this.residualsAfter(0, bias, labels, weights, from, false);
  }

  /**
   * `residuals` for the next block of a range's rows (laid out by `scores` with the same
   * kk, stride and blockRows): biasGradient added to and the block's loss added to
   * `lossBefore`, so that a range done block by block sums as in one call.
   */
  moreResiduals(
    lossBefore: number,
    bias: Float64Array,
    labels: Float64Array,
    weights: Float64Array | undefined,
    from: number,
  ): number {
    return this.residualsAfter(lossBefore, bias, labels, weights, from, true);
  }

  private residualsAfter(
    lossBefore: number,
    bias: Float64Array,
    labels: Float64Array,
    weights: Float64Array | undefined,
    from: number,
    more: boolean,
  ): number {
    const { rows, kk } = this;
    this.bias.set(bias.subarray(0, kk));
    this.labels.set(labels.subarray(from, from + rows));
    if (weights) this.weights.set(weights.subarray(from, from + rows));
    (more ? this.kernel.softmax_rows_more : this.kernel.softmax_rows)(
      this.z.byteOffset,
      this.stride,
      this.bias.byteOffset,
      this.labels.byteOffset,
      weights ? this.weights.byteOffset : 0,
      rows,
      kk,
      this.stats.byteOffset,
      this.biasGradient.byteOffset,
    );
    const { stats } = this;
    let loss = lossBefore;
    for (let i = 0; i < rows; i++) {
      const w = weights ? (weights[from + i] as number) : 1;
      loss += w * ((stats[2 * i] as number) + Math.log(stats[2 * i + 1] as number));
    }
    return loss;
  }

  /**
   * The binary case (kk = 1, labels 1 for the positive class): residuals −t·w·σ(−t·z) in
   * place of the scores z + bias, their sum in biasGradient[0], and the weighted loss
   * Σ w_i log(1 + e^{−t_i z_i}) returned, all in WebAssembly (wasm/logistic.wat, the bits
   * of the JavaScript loops it replaced: Math.log1p's algorithm, the same e^x).
   */
  logisticResiduals(bias: number, labels: Float64Array, weights: Float64Array | undefined, from: number): number {
    const { rows } = this;
    this.labels.set(labels.subarray(from, from + rows));
    if (weights) this.weights.set(weights.subarray(from, from + rows));
    this.logistic ??= instantiateKernel<LogisticExports>('logistic.wasm', {
      memory: this.memory,
      exp: this.kernel.exp,
    });
    return this.logistic.logistic_rows(
      this.z.byteOffset,
      this.stride,
      bias,
      this.labels.byteOffset,
      weights ? this.weights.byteOffset : 0,
      rows,
      this.stats.byteOffset,
      this.biasGradient.byteOffset,
    );
  }

  // z, stats (2 a row), labels, weights, bias, bgrad, 16-byte aligned; weights never at
  // byte 0, which the kernel reads as "no weights". Placed by blockRows, not rows, so that
  // a range's last, shorter block finds biasGradient where the blocks before left it.
  private layOut(rows: number, kk: number, stride: number, blockRows: number): void {
    const even = (x: number) => (x + 1) & ~1;
    const zAt = even(Math.max(this.base, 2));
    const statsAt = even(zAt + blockRows * stride);
    const labelsAt = statsAt + 2 * blockRows;
    const weightsAt = even(labelsAt + blockRows);
    const biasAt = even(weightsAt + blockRows);
    const bgradAt = even(biasAt + kk);
    reserveBytes(this.memory, (bgradAt + kk) * 8);
    const buffer = this.memory.buffer;
    this.z = new Float64Array(buffer, zAt * 8, blockRows * stride);
    this.stats = new Float64Array(buffer, statsAt * 8, 2 * rows);
    this.labels = new Float64Array(buffer, labelsAt * 8, rows);
    this.weights = new Float64Array(buffer, weightsAt * 8, rows);
    this.bias = new Float64Array(buffer, biasAt * 8, kk);
    this.biasGradient = new Float64Array(buffer, bgradAt * 8, kk);
    this.rows = rows;
    this.kk = kk;
    this.stride = stride;
  }
}
