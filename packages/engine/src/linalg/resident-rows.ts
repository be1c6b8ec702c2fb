import type { DenseMatrix } from './dense-matrix.js';
import { type GemmExports, ownGemmKernel, paddedRows, paddedWidth, putTransposed, takeRows } from './wasm-gemm.js';
import { instantiateKernel } from './wasm-module.js';

interface ArgminExports {
  argmin_rows(cross: number, ld: number, cc: number, n: number, k: number, labels: number): void;
}

/** Larger rows are multiplied through the shared kernel in blocks instead (gemm.ts). */
const MAX_RESIDENT_DOUBLES = 4 * 1024 * 1024;

/**
 * Rows X [n × d] copied once into a float64 matrix-product kernel with a memory of its
 * own, for many products X · Bᵀ with a small B (k-means: the candidate centres, then the
 * centres at every iteration). Through the shared kernel each product copied X in again,
 * a tenth of a k-means fit. The same kernel and order of sums as matmulTransB: the same bits.
 */
export class ResidentRows {
  private readonly kernel: GemmExports;
  private argmin: ArgminExports | undefined;
  private readonly rows: number;
  private readonly cols: number;
  /** X's rows, padded to the kernel's blocks with zero rows. */
  private readonly paddedN: number;

  private constructor(x: DenseMatrix) {
    this.rows = x.rows;
    this.cols = x.cols;
    this.paddedN = paddedRows(x.rows);
    this.kernel = ownGemmKernel();
    this.reserve(this.paddedN * this.cols);
    new Float64Array(this.kernel.memory.buffer).set(x.data.subarray(0, x.rows * x.cols), 0);
  }

  /** X kept resident, or undefined when it is too large to keep (use matmulTransB). */
  static of(x: DenseMatrix): ResidentRows | undefined {
    if (x.rows < 16 || x.rows * x.cols > MAX_RESIDENT_DOUBLES) return undefined;
    return new ResidentRows(x);
  }

  /** out[n × k] = X · bᵀ for b [k × d]. */
  timesTransposed(b: Float64Array, k: number, out: Float64Array): void {
    const { rows, kp, pc, view } = this.product(b, k, 0);
    takeRows(out, 0, view, pc, rows, k, kp);
  }

  /**
   * labels[i] = the first c with the least cc[c] − 2·(X · bᵀ)[i][c]: each row's nearest centre
   * when b holds the centres and cc their squared norms (k-means). The product stays in the
   * kernel's memory and the choice is made there, without a branch per centre.
   */
  nearest(b: Float64Array, k: number, cc: Float64Array, labels: Int32Array): void {
    const { rows, kp, pc, end } = this.product(b, k, k + Math.ceil(this.rows / 2) + 2);
    const pcc = end;
    const pl = (pcc + k + 1) & ~1;
    const view = new Float64Array(this.kernel.memory.buffer);
    view.set(cc.subarray(0, k), pcc);
    this.argmin ??= instantiateKernel<ArgminExports>('argmin.wasm', { memory: this.kernel.memory });
    this.argmin.argmin_rows(pc * 8, kp, pcc * 8, rows, k, pl * 8);
    labels.set(new Int32Array(this.kernel.memory.buffer, pl * 8, rows));
  }

  /** X · bᵀ into the kernel's memory at pc (row stride kp), with `extra` doubles free after it from `end`. */
  private product(b: Float64Array, k: number, extra: number) {
    const { rows, cols, paddedN } = this;
    const kp = paddedWidth(k, 'f64', paddedN);
    const pb = (paddedN * cols + 1) & ~1;
    const pc = (pb + cols * kp + 1) & ~1;
    const end = (pc + paddedN * kp + 1) & ~1;
    this.reserve(end + extra);
    const view = new Float64Array(this.kernel.memory.buffer);
    putTransposed(view, pb, b, k, cols, kp);
    this.kernel.gemm(0, pb * 8, pc * 8, paddedN, cols, kp, 0);
    return { rows, kp, pc, end, view };
  }

  private reserve(doubles: number): void {
    const have = this.kernel.memory.buffer.byteLength;
    if (doubles * 8 > have) this.kernel.memory.grow(Math.ceil((doubles * 8 - have) / 65536));
  }
}
