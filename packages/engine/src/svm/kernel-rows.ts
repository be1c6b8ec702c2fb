import { ResidentMatrix } from '../linalg/resident-matrix.js';
import { type RbfRowExports, rbfRowKernel } from '../linalg/vector-exp.js';
import type { KernelSpec } from './kernel.js';

/**
 * Whole kernel rows over a subset of x's rows, the SMO solver's main cost. The rows are
 * gathered once into one contiguous block (feature-major in the resident matrix, else
 * row-major for the loops), and the RBF kernel is computed as libsvm does,
 * exp(−γ(‖a‖² + ‖b‖² − 2a·b)): one dot product per entry instead of a difference and a
 * square per feature. The dot products of a row are one vector-matrix product in
 * WebAssembly over the block held feature-major (ResidentMatrix); the loops below are the
 * fallback for blocks too large for it, and give the same bits. Measured per entry
 * (RBF): 27 ns against the loops' 67–78 ns at 57 features, 17 against 26 at 16; the
 * per-feature differences this replaced took about 1.5 times the loops' time. The
 * product reads only the rows of B under row i's nonzero features (vecmat_nz, the same
 * sums; so does the solver's WebAssembly loop): Fashion-MNIST's pixels are half zeros,
 * and its one-vs-one fit took 4.4–4.8 s instead of 8.2, the same model byte for byte. The RBF
 * row is finished in WebAssembly too (exp.wat's rbf_row over the same memory, the norms
 * kept there): as a JavaScript loop it ran interpreted through a process's first fits,
 * 4–6 ms of breast cancer's first two against 0.65 ms for all its rows once compiled.
 */
export class KernelRows {
  private readonly block: Float64Array;
  private readonly x: Float64Array;
  private readonly rows: Int32Array;
  private readonly norms: Float64Array;
  private readonly resident: ResidentMatrix | undefined;
  private readonly rbf: RbfRowExports | undefined;
  readonly n: number;

  /** With `queries` 4, room for against4's four vectors at a time (predictions). */
  constructor(
    x: Float64Array,
    private readonly d: number,
    rows: Int32Array,
    private readonly spec: KernelSpec,
    queries: 1 | 4 = 1,
  ) {
    const n = rows.length;
    this.n = n;
    this.resident = ResidentMatrix.create(d, n, spec.type === 'rbf' ? n : 0, queries);
    // The norms where rbf_row reads them, beside the products, when resident.
    this.norms = this.resident && spec.type === 'rbf' ? this.resident.side : new Float64Array(n);
    this.rbf = this.resident && spec.type === 'rbf' ? rbfRowKernel(this.resident.wasmMemory) : undefined;
    const norms = this.norms;
    // With a resident copy (feature-major, the products' operand) the row-major block is
    // not needed: row i's features are read from x. Locals, not fields, in these loops:
    // they run once per one-vs-one pair, hundreds of times in a fit.
    const bt = this.resident?.b;
    const block = bt ? new Float64Array(0) : new Float64Array(n * d);
    for (let t = 0; t < n; t++) {
      const from = (rows[t] as number) * d;
      let s = 0;
      for (let j = 0; j < d; j++) {
        const v = x[from + j] as number;
        if (bt) bt[j * n + t] = v;
        else block[t * d + j] = v;
        s += v * v;
      }
      norms[t] = s;
    }
    this.block = block;
    this.x = x;
    this.rows = rows;
  }

  /** Gives the resident matrix's memory back for the thread's next rows; no row after this. */
  release(): void {
    this.resident?.release();
  }

  /** k(row i, row i). */
  diagonal(i: number): number {
    return this.fromDot(i, i, this.norms[i] as number);
  }

  /** out[t] = k(row i, row t) for every t. */
  row(i: number, out: Float64Array): void {
    const { block, d, n, resident } = this;
    const at = i * d;
    if (resident) {
      const from = (this.rows[i] as number) * d;
      resident.q.set(this.x.subarray(from, from + d));
      resident.multiplyNonzero();
      const dots = resident.out;
      if (this.rbf) {
        const { norms } = this;
        this.rbf.rbf_row(dots.byteOffset, norms.byteOffset, norms[i] as number, -this.spec.gamma, n);
        out.set(dots);
      } else for (let t = 0; t < n; t++) out[t] = this.fromDot(i, t, dots[t] as number);
      return;
    }
    // Four dot products a step: independent sums that the CPU can overlap.
    let t = 0;
    for (; t + 4 <= n; t += 4) {
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      const b0 = t * d;
      const b1 = b0 + d;
      const b2 = b1 + d;
      const b3 = b2 + d;
      for (let j = 0; j < d; j++) {
        const v = block[at + j] as number;
        s0 += v * (block[b0 + j] as number);
        s1 += v * (block[b1 + j] as number);
        s2 += v * (block[b2 + j] as number);
        s3 += v * (block[b3 + j] as number);
      }
      out[t] = this.fromDot(i, t, s0);
      out[t + 1] = this.fromDot(i, t + 1, s1);
      out[t + 2] = this.fromDot(i, t + 2, s2);
      out[t + 3] = this.fromDot(i, t + 3, s3);
    }
    for (; t < n; t++) {
      let s = 0;
      const b = t * d;
      for (let j = 0; j < d; j++) s += (block[at + j] as number) * (block[b + j] as number);
      out[t] = this.fromDot(i, t, s);
    }
  }

  /**
   * out[t] = k(v, row t) for a vector from elsewhere, v = a[at … at + d) (a prediction's
   * row against the support vectors), ‖v‖² summed as the rows' norms are.
   */
  against(a: Float64Array, at: number, out: Float64Array): void {
    const { d, n, resident, norms, spec } = this;
    let vNorm = 0;
    for (let j = 0; j < d; j++) vNorm += (a[at + j] as number) * (a[at + j] as number);
    if (resident) {
      resident.q.set(a.subarray(at, at + d));
      resident.multiplyNonzero();
      const dots = resident.out;
      if (this.rbf) {
        this.rbf.rbf_row(dots.byteOffset, norms.byteOffset, vNorm, -spec.gamma, n);
        out.set(dots);
      } else for (let t = 0; t < n; t++) out[t] = kernelFromDot(spec, vNorm, norms[t] as number, dots[t] as number);
      return;
    }
    const { block } = this;
    for (let t = 0; t < n; t++) {
      let s = 0;
      const b = t * d;
      for (let j = 0; j < d; j++) s += (a[at + j] as number) * (block[b + j] as number);
      out[t] = kernelFromDot(spec, vNorm, norms[t] as number, s);
    }
  }

  /**
   * against() for `count` (≤ 4) consecutive vectors of a, from `at`: out[r·n + t] = k(vector
   * r, row t), the same values as against() gives each. With a resident matrix made for
   * four queries, the rows are read once for the four (multiplyNonzero4).
   */
  against4(a: Float64Array, at: number, count: number, out: Float64Array): void {
    const { d, n, resident, norms, spec } = this;
    if (resident?.queries !== 4) {
      for (let r = 0; r < count; r++) this.against(a, at + r * d, out.subarray(r * n, (r + 1) * n));
      return;
    }
    const qs = resident.qs;
    qs.set(a.subarray(at, at + count * d));
    qs.fill(0, count * d);
    resident.multiplyNonzero4();
    const dots = resident.outs;
    for (let r = 0; r < count; r++) {
      let vNorm = 0;
      for (let j = at + r * d; j < at + (r + 1) * d; j++) vNorm += (a[j] as number) * (a[j] as number);
      const row = dots.subarray(r * n, (r + 1) * n);
      if (this.rbf) this.rbf.rbf_row(row.byteOffset, norms.byteOffset, vNorm, -spec.gamma, n);
      else for (let t = 0; t < n; t++) row[t] = kernelFromDot(spec, vNorm, norms[t] as number, row[t] as number);
      out.set(row, r * n);
    }
  }

  private fromDot(i: number, t: number, dot: number): number {
    return kernelFromDot(this.spec, this.norms[i] as number, this.norms[t] as number, dot);
  }
}

/** k(a, b) from a·b and the rows' squared norms (the RBF kernel as libsvm computes it). */
export function kernelFromDot(spec: KernelSpec, normA: number, normB: number, dot: number): number {
  if (spec.type === 'rbf') {
    const sq = normA + normB - 2 * dot;
    return Math.exp(-spec.gamma * (sq > 0 ? sq : 0));
  }
  return spec.type === 'linear' ? dot : (spec.gamma * dot + spec.coef0) ** spec.degree;
}
