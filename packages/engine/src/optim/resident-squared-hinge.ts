import type { DenseMatrix } from '../linalg/dense-matrix.js';
import { instantiateKernel } from '../linalg/wasm-module.js';
import type { SquaredHingeRows } from './squared-hinge-rows.js';

interface SquaredHingeExports {
  loss(x: number, n: number, w: number, v: number, s: number, cost: number, z: number): number;
  gradient(
    x: number,
    n: number,
    w: number,
    v: number,
    s: number,
    cost: number,
    z: number,
    g: number,
    act: number,
  ): number;
  cg(
    x: number,
    w: number,
    act: number,
    m: number,
    cost: number,
    g: number,
    dir: number,
    r: number,
    q: number,
    hv: number,
    maxSteps: number,
  ): number;
}

/** Vectors a solve may ask for (the solver's four, the conjugate gradient's three, spare). */
const VECTORS = 10;

/**
 * X̃ = [X, 1] of a dense matrix and the rows' costs, held in a WebAssembly memory for the
 * squared-hinge passes (wasm/squared-hinge.wat), each row padded with zeros to a multiple
 * of four doubles. Made once per fit and thread and used for every one-vs-rest class
 * solved there: `forSigns` sets a class's signs and starts its vectors afresh.
 */
export class ResidentSquaredHinge implements SquaredHingeRows {
  readonly rows: number;
  readonly cols: number;
  readonly width: number;
  private readonly kernel: SquaredHingeExports;
  private readonly buffer: ArrayBufferLike;
  private readonly sAt: number;
  private readonly costAt: number;
  private zAt: number;
  private zTrialAt: number;
  private readonly actAt: number;
  private readonly vectorsAt: number;
  private vectorsUsed = 0;
  private activeCount = 0;
  private cgVectors: [Float64Array, Float64Array, Float64Array] | undefined;

  private constructor(x: DenseMatrix, cost: Float64Array) {
    const { rows: n, cols: d } = x;
    const width = (d + 1 + 3) & ~3;
    this.rows = n;
    this.cols = d;
    this.width = width;
    // Doubles: X̃, s, cost, z, trial z, the vectors; then act's n int32s.
    this.sAt = n * width * 8;
    this.costAt = this.sAt + n * 8;
    this.zAt = this.costAt + n * 8;
    this.zTrialAt = this.zAt + n * 8;
    this.vectorsAt = this.zTrialAt + n * 8;
    this.actAt = this.vectorsAt + VECTORS * width * 8;
    const bytes = this.actAt + n * 4;
    const memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / 65536) });
    this.kernel = instantiateKernel<SquaredHingeExports>('squared-hinge.wasm', { memory });
    this.buffer = memory.buffer;
    const view = new Float64Array(this.buffer, 0, n * width);
    for (let i = 0; i < n; i++) {
      view.set(x.data.subarray(i * d, (i + 1) * d), i * width);
      view[i * width + d] = 1;
    }
    new Float64Array(this.buffer, this.costAt, n).set(cost);
  }

  /** X̃ of x held resident, or undefined when too large to copy (the JavaScript passes then). */
  static of(x: DenseMatrix, cost: Float64Array): ResidentSquaredHinge | undefined {
    if (x.rows * (x.cols + 4) > MAX_RESIDENT_DOUBLES) return undefined;
    return new ResidentSquaredHinge(x, cost);
  }

  /** This design for one binary problem: s_i = ±1 per row, all vectors new. */
  forSigns(s: Float64Array): this {
    new Float64Array(this.buffer, this.sAt, this.rows).set(s);
    new Float64Array(this.buffer, this.vectorsAt, VECTORS * this.width).fill(0);
    this.vectorsUsed = 0;
    this.cgVectors = undefined;
    this.activeCount = 0;
    return this;
  }

  vector(): Float64Array {
    if (this.vectorsUsed === VECTORS) throw new Error('resident squared hinge: out of vectors');
    const at = this.vectorsAt + this.vectorsUsed++ * this.width * 8;
    return new Float64Array(this.buffer, at, this.width);
  }

  trialLoss(v: Float64Array): number {
    return this.kernel.loss(0, this.rows, this.width, v.byteOffset, this.sAt, this.costAt, this.zTrialAt);
  }

  accept(): void {
    [this.zAt, this.zTrialAt] = [this.zTrialAt, this.zAt];
  }

  gradient(w: Float64Array, g: Float64Array): void {
    const { rows: n, width } = this;
    this.activeCount = this.kernel.gradient(
      0,
      n,
      width,
      w.byteOffset,
      this.sAt,
      this.costAt,
      this.zAt,
      g.byteOffset,
      this.actAt,
    );
  }

  newtonDirection(g: Float64Array, dir: Float64Array, maxSteps: number): void {
    // The conjugate gradient's own three vectors, taken once per class.
    this.cgVectors ??= [this.vector(), this.vector(), this.vector()];
    const [r, q, hv] = this.cgVectors;
    this.kernel.cg(
      0,
      this.width,
      this.actAt,
      this.activeCount,
      this.costAt,
      g.byteOffset,
      dir.byteOffset,
      r.byteOffset,
      q.byteOffset,
      hv.byteOffset,
      maxSteps,
    );
  }
}

/**
 * Past this many doubles (128 MiB) X̃ is not copied and the JavaScript passes read X where
 * it is. A copy per thread costs as much memory as X, and pays: Fashion-MNIST's 10,000 ×
 * 784 rows (63 MB a copy) fit in 2.1 s resident against 9.6 s through the JavaScript passes.
 */
const MAX_RESIDENT_DOUBLES = 16 * 1024 * 1024;
