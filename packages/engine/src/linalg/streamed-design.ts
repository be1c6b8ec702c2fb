import type { DenseMatrix } from './dense-matrix.js';
import { type SkinnyGemmExports, skinnyGemmOver } from './skinny-gemm.js';
import { SoftmaxRows } from './vector-exp.js';

/**
 * A dense design matrix too large to keep resident range by range (resident-design.ts),
 * held once in a WebAssembly memory, shared by the training thread and its workers when
 * they compute a loss together, and gone through a block of rows at a time: the block's
 * scores X_b·Wᵀ (skinny-gemm.wat), their softmax residuals R_b (exp.wat) and the
 * gradient's part X_bᵀ·R_b (skinny-gemm.wat's transposed product, added onto the blocks'
 * before) while the block is still in cache, so that X is read from memory once an
 * evaluation. Through the shared product kernel (gemm.ts)
 * every evaluation copied each range in twice, once per product, and read it three
 * times: full Fashion-MNIST's 60,000 × 784 is 376 MB. Plain data, posted to the workers.
 *
 * The same kernels and order of sums as the resident design and the shared kernel: each
 * score sums its d products in order, each gradient element its rows in order, the loss
 * and the intercepts' gradient their rows in order across the blocks; the same bits.
 */
export interface StreamedDesign {
  memory: WebAssembly.Memory;
  rows: number;
  cols: number;
  /** Doubles from one row to the next: cols rounded up to even (the transposed product reads two columns at a time). */
  stride: number;
  /** Score columns (classes), 2 to 12: the narrow product kernel's widths. */
  kk: number;
  /** Rows a block: about BLOCK_BYTES of X. */
  blockRows: number;
  /** Byte address of thread slot 0's scratch (weights, gradient, the block's scores); slot s's is s·scratchBytes on. */
  scratchAt: number;
  scratchBytes: number;
  slots: number;
}

/** A block of X this large stays in the L2 cache between the scores and the gradient (2 MB a core here). */
const BLOCK_BYTES = 256 * 1024;
/** wasm32 addresses end at 4 GiB; larger data stays on the shared kernel's path. */
const MAX_BYTES = 4 * 1024 * 1024 * 1024 - 65536;

/** Widths the streamed pass takes: the narrow product kernel's (skinny-gemm.wat), two classes or more. */
export function streamsScores(kk: number): boolean {
  return kk >= 2 && kk <= 12;
}

/**
 * X copied into a new memory (shared when `shared`, for workers) with scratch for
 * `slots` threads, or undefined when it would pass 4 GiB or kk is not a streamed width.
 */
export function streamDesign(x: DenseMatrix, kk: number, slots: number, shared: boolean): StreamedDesign | undefined {
  if (!streamsScores(kk)) return undefined;
  const { rows, cols } = x;
  const stride = cols + (cols & 1);
  const blockRows = Math.max(4, Math.min(1024, Math.floor(BLOCK_BYTES / (8 * stride)) & ~3));
  const align = (bytes: number) => Math.ceil(bytes / 64) * 64;
  const scratchAt = align(rows * stride * 8);
  const scratchBytes = align(scratchDoubles(stride, kk, blockRows) * 8);
  const bytes = scratchAt + slots * scratchBytes;
  if (bytes > MAX_BYTES) return undefined;
  const pages = Math.ceil(bytes / 65536);
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared });
  const view = new Float64Array(memory.buffer);
  if (stride === cols) view.set(x.data.subarray(0, rows * cols));
  else for (let i = 0; i < rows; i++) view.set(x.data.subarray(i * cols, (i + 1) * cols), i * stride);
  return { memory, rows, cols, stride, kk, blockRows, scratchAt, scratchBytes, slots };
}

/**
 * Wᵀ, then the gradient's transpose (stride × kk each, and a double past each that the
 * narrow kernel may read with an odd kk), then the softmax's block.
 */
function scratchDoubles(stride: number, kk: number, blockRows: number): number {
  // SoftmaxRows' arrays: scores, stats (2 a row), labels, weights, bias, bias gradient, alignment.
  const softmax = blockRows * kk + 4 * blockRows + 2 * kk + 16;
  return 2 * matrixDoubles(stride, kk) + softmax;
}

/** A stride × kk matrix and the double past it, kept 16-byte aligned. */
function matrixDoubles(stride: number, kk: number): number {
  return (stride * kk + 2) & ~1;
}

/** A thread's view of a streamed design: its kernels and its slot's scratch. */
export class StreamedPass {
  private readonly skinny: SkinnyGemmExports;
  private readonly softmax: SoftmaxRows;
  /** Addresses in doubles: Wᵀ and the gradient's transpose, both [stride × kk]. */
  private readonly wtAt: number;
  private readonly gtAt: number;

  constructor(
    private readonly design: StreamedDesign,
    slot: number,
  ) {
    if (!(slot >= 0 && slot < design.slots)) throw new Error(`slot ${slot} of ${design.slots}`);
    const { memory, stride, kk } = design;
    const base = (design.scratchAt + slot * design.scratchBytes) / 8;
    this.wtAt = base;
    this.gtAt = base + matrixDoubles(stride, kk);
    this.skinny = skinnyGemmOver(memory);
    this.softmax = new SoftmaxRows(memory, this.gtAt + matrixDoubles(stride, kk));
    this.softmax.scores(design.blockRows, kk, kk, design.blockRows);
    if (this.softmax.extentBytes > design.scratchAt + (slot + 1) * design.scratchBytes) {
      throw new Error('the streamed design’s scratch is smaller than its softmax block');
    }
  }

  /**
   * The multinomial log-loss of rows [from, to) at w = [W (kk × cols), b (kk)], weighted
   * by `weights` when given (unregularised); its gradient into grad [kk·cols + kk].
   */
  loss(
    w: Float64Array,
    labels: Float64Array,
    weights: Float64Array | undefined,
    from: number,
    to: number,
    grad: Float64Array,
  ): number {
    const { memory, cols: d, stride, kk, blockRows } = this.design;
    const { wtAt, gtAt, softmax } = this;
    const view = new Float64Array(memory.buffer);
    for (let c = 0; c < kk; c++) for (let p = 0; p < d; p++) view[wtAt + p * kk + c] = w[c * d + p] as number;
    for (let p = d; p < stride; p++) for (let c = 0; c < kk; c++) view[wtAt + p * kk + c] = 0;
    const bias = w.subarray(kk * d, kk * d + kk);
    let loss = 0;
    for (let b = from; b < to; b += blockRows) {
      const rows = Math.min(blockRows, to - b);
      const xAt = b * stride * 8;
      softmax.scores(rows, kk, kk, blockRows);
      this.skinny.skinny_gemm(xAt, wtAt * 8, softmax.scoresAddress, rows, stride, kk);
      loss =
        b === from
          ? softmax.residuals(bias, labels, weights, b)
          : softmax.moreResiduals(loss, bias, labels, weights, b);
      this.skinny.skinny_gemm_ta(xAt, softmax.scoresAddress, gtAt * 8, stride, rows, kk, stride, b === from ? 0 : 1);
    }
    for (let c = 0; c < kk; c++) for (let p = 0; p < d; p++) grad[c * d + p] = view[gtAt + p * kk + c] as number;
    grad.set(softmax.biasGradient, kk * d);
    return loss;
  }
}

// Each thread's passes, by design memory then slot.
const passes = new WeakMap<WebAssembly.Memory, StreamedPass[]>();

/** This thread's pass over `design` in scratch slot `slot`, made the first time. */
export function streamedPass(design: StreamedDesign, slot: number): StreamedPass {
  let bySlot = passes.get(design.memory);
  if (!bySlot) {
    bySlot = [];
    passes.set(design.memory, bySlot);
  }
  let pass = bySlot[slot];
  if (!pass) {
    pass = new StreamedPass(design, slot);
    bySlot[slot] = pass;
  }
  return pass;
}
