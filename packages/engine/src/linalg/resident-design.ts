import type { DenseMatrix } from './dense-matrix.js';
import { type VecmatExports, vecmatKernel } from './resident-matrix.js';
import { SoftmaxRows } from './vector-exp.js';
import { type GemmExports, ownGemmKernel, paddedRows, paddedWidth } from './wasm-gemm.js';

/**
 * Rows [from, to) of X held in a float64 product kernel's memory twice, as they are and
 * transposed (once, transposed, for one score column), for the two products a linear model's loss gradient needs at every
 * evaluation: the scores S = X·Wᵀ and the weights' gradient Rᵀ·X (as Xᵀ·R). Through the
 * shared kernel (gemm.ts) each product copied X in again and transposed the residuals in
 * JavaScript, 40% of logistic regression's fit on letters once the softmax was in
 * WebAssembly. The scores land in `softmax`'s block in the same memory, so the softmax
 * works on them in place and leaves the residuals where the second product reads them.
 * The same kernel and order of sums as matmulTransB and matmulTransA: the same bits. With
 * one score column (two classes) both products are vector-matrix products (vecmat.wat,
 * over the same memory): through the 4×4 blocks a single column was all fringe, done
 * one element at a time. Both then read the transposed copy only, and X itself is not
 * kept: X and Xᵀ together outgrew the L2 cache on spambase (3.4 MB) and made each
 * evaluation 2.3× slower than its two products timed apart. Logistic regression streams
 * 2 to 12 score columns instead (streamed-design.ts); this serves one, and more than 12.
 */
export class ResidentDesign {
  readonly softmax: SoftmaxRows;
  /** Doubles between score rows: kk padded to the kernel's blocks. */
  readonly stride: number;
  private readonly kernel: GemmExports;
  private readonly vecmat: VecmatExports | undefined;
  private readonly rows: number;
  private readonly paddedN: number;
  private readonly paddedD: number;
  private readonly xtAt: number;
  private readonly wtAt: number;
  private readonly gtAt: number;

  private constructor(
    x: DenseMatrix,
    from: number,
    to: number,
    private readonly kk: number,
  ) {
    const d = x.cols;
    const rows = to - from;
    this.rows = rows;
    this.paddedN = paddedRows(rows);
    this.paddedD = paddedRows(d);
    this.stride = paddedWidth(kk, 'f64', this.paddedN);
    const even = (v: number) => (v + 1) & ~1;
    // One score column reads only the transposed copy (vecmat and matvec).
    this.xtAt = kk === 1 ? 0 : even(this.paddedN * d);
    this.wtAt = even(this.xtAt + this.paddedD * rows);
    this.gtAt = even(this.wtAt + d * this.stride);
    const end = even(this.gtAt + this.paddedD * this.stride);
    const reused = spares.pop();
    this.kernel = reused ?? ownGemmKernel();
    this.vecmat = kk === 1 ? vecmatKernel(this.kernel.memory) : undefined;
    this.softmax = new SoftmaxRows(this.kernel.memory, end);
    this.softmax.scores(rows, kk, this.stride, this.paddedN);
    const view = new Float64Array(this.kernel.memory.buffer);
    // A reused memory (against fresh pages' first-touch faults: 0.5–0.6 ms of a 0.65 ms
    // construction on a spambase range) is cleared up to the softmax's last array, so
    // that the padding rows and columns hold zeros as in fresh memory. The products'
    // real rows and columns never read them, but a stale NaN or subnormal there would
    // still be computed with, and subnormals are slow.
    if (reused) view.fill(0, 0, this.softmax.extentBytes / 8);
    if (kk > 1) view.set(x.data.subarray(from * d, to * d), 0);
    for (let i = 0; i < rows; i++) {
      const src = (from + i) * d;
      for (let p = 0; p < d; p++) view[this.xtAt + p * rows + i] = x.data[src + p] as number;
    }
  }

  /**
   * Gives the design's memory back for this thread's next one (a fit's ranges, then the
   * next fit's: cross-validation and searches fit again and again); no call after this.
   */
  release(): void {
    const bytes = this.kernel.memory.buffer.byteLength;
    let kept = bytes;
    for (const k of spares) kept += k.memory.buffer.byteLength;
    if (spares.length < MAX_SPARES && kept <= MAX_SPARE_BYTES) spares.push(this.kernel);
  }

  /** The memory it computes in (tests check that released memory is reused). */
  get memory(): WebAssembly.Memory {
    return this.kernel.memory;
  }

  /** Rows [from, to) of x kept resident, or undefined when too large (use the shared kernel). */
  static of(x: DenseMatrix, from: number, to: number, kk: number): ResidentDesign | undefined {
    if (to - from < 16 || (to - from) * x.cols > MAX_RESIDENT_DOUBLES) return undefined;
    return new ResidentDesign(x, from, to, kk);
  }

  /** S = X·Wᵀ for w = [W (kk × d), …], into the score block (rows `stride` apart), returned. */
  scores(w: Float64Array, d: number): Float64Array {
    const { kk, stride, wtAt } = this;
    const z = this.softmax.scores(this.rows, kk, stride, this.paddedN);
    const view = new Float64Array(this.kernel.memory.buffer);
    for (let c = 0; c < kk; c++) for (let p = 0; p < d; p++) view[wtAt + p * stride + c] = w[c * d + p] as number;
    if (this.vecmat) this.vecmat.vecmat(wtAt * 8, this.xtAt * 8, this.softmax.scoresAddress, d, this.rows);
    else this.kernel.gemm(0, wtAt * 8, this.softmax.scoresAddress, this.paddedN, d, stride, 0);
    return z;
  }

  /** grad[c·d + p] = Σ_i R[i][c]·X[i][p], R the residuals left in the score block. */
  weightGradient(grad: Float64Array, d: number): void {
    const { kk, stride, gtAt } = this;
    // From the transposed copy, as the scores: one copy of X read per evaluation stays in cache.
    if (this.vecmat) this.vecmat.matvec(this.xtAt * 8, this.softmax.scoresAddress, gtAt * 8, d, this.rows);
    else this.kernel.gemm(this.xtAt * 8, this.softmax.scoresAddress, gtAt * 8, this.paddedD, this.rows, stride, 0);
    const view = new Float64Array(this.kernel.memory.buffer);
    for (let c = 0; c < kk; c++) for (let p = 0; p < d; p++) grad[c * d + p] = view[gtAt + p * stride + c] as number;
  }
}

// This thread's released designs' kernels (one per loss range at most).
const spares: GemmExports[] = [];
const MAX_SPARES = 8;
/** The released memories a thread keeps, all together (a large fit's ranges are let go). */
const MAX_SPARE_BYTES = 64 * 1024 * 1024;

/** Past this many doubles per copy a range goes through the shared kernel (the copies cost memory). */
const MAX_RESIDENT_DOUBLES = 4 * 1024 * 1024;
