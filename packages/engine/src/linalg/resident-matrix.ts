import { instantiateKernel } from './wasm-module.js';

/**
 * A matrix B [d × n] kept in its own WebAssembly memory for many products q · B
 * (wasm/vecmat.wat, f64x2: about twice the plain loop's speed). Each instance owns its
 * memory, so a resident matrix is never overwritten by other kernels' operands.
 */
export interface VecmatExports {
  /** out[t] = Σ_j q[j]·B[j][t], B [d × n] row-major. */
  vecmat(q: number, b: number, out: number, d: number, n: number): void;
  /** vecmat over q's nonzero entries (the same values for finite B); `scratch` holds 2d doubles. */
  vecmat_nz(q: number, b: number, out: number, d: number, n: number, scratch: number): void;
  /** vecmat_nz for four vectors, q [4 × d] → out [4 × n], B read once; `scratch` holds 4.5d doubles. */
  vecmat_nz4(q: number, b: number, out: number, d: number, n: number, scratch: number): void;
  /** out[j] = Σ_i A[j][i]·v[i], A [d × n] row-major: the same sums over Aᵀ. */
  matvec(a: number, v: number, out: number, d: number, n: number): void;
}

/** The q · B kernel over `memory` (addresses in bytes). */
export function vecmatKernel(memory: WebAssembly.Memory): VecmatExports {
  return instantiateKernel<VecmatExports>('vecmat.wasm', { memory });
}

/** Above this, a resident copy costs more memory than its speed is worth (and nears wasm32's 4 GiB). */
const MAX_RESIDENT_BYTES = 1024 * 1024 * 1024;

/** A released memory up to this size is kept for the thread's next matrix. */
const MAX_SPARE_BYTES = 16 * 1024 * 1024;

// This thread's released memory and its kernel: a one-vs-one SVM makes a matrix per pair,
// and a new memory each time (its pages zeroed on first touch) cost as much as filling it.
let spare: { memory: WebAssembly.Memory; kernel: VecmatExports } | undefined;

export class ResidentMatrix {
  private readonly kernel: VecmatExports;
  private readonly memory: WebAssembly.Memory;
  /** Offsets in doubles: B, then q (`queries` of them), then out (as many), then side. */
  private readonly pb = 0;
  private readonly pq: number;
  private readonly pout: number;
  /** vecmat_nz's list of q's nonzero entries (2d doubles; 4.5d for four vectors). */
  private readonly pscratch: number;
  /** B [d × n], row-major, inside the instance's memory. */
  readonly b: Float64Array;
  readonly q: Float64Array;
  readonly out: Float64Array;
  /** `queries` vectors [queries × d] for multiplyNonzero4 (the first is `q`). */
  readonly qs: Float64Array;
  /** Their products [queries × n] (the first is `out`). */
  readonly outs: Float64Array;
  /** `sideLength` doubles of the caller's beside the product, for kernels over the same memory to read. */
  readonly side: Float64Array;

  private constructor(
    readonly d: number,
    readonly n: number,
    sideLength: number,
    readonly queries: 1 | 4,
  ) {
    const reused = spare;
    spare = undefined;
    this.memory = reused?.memory ?? new WebAssembly.Memory({ initial: 1 });
    this.kernel = reused?.kernel ?? vecmatKernel(this.memory);
    const align = (x: number) => (x + 1) & ~1;
    this.pq = align(d * n);
    this.pout = align(this.pq + queries * d);
    const pside = align(this.pout + queries * n);
    this.pscratch = align(pside + sideLength);
    const bytes = (this.pscratch + (queries === 4 ? 4 * d + Math.ceil(d / 2) : 2 * d)) * 8;
    const have = this.memory.buffer.byteLength;
    if (bytes > have) this.memory.grow(Math.ceil((bytes - have) / 65536));
    const buffer = this.memory.buffer;
    this.b = new Float64Array(buffer, this.pb * 8, d * n);
    this.q = new Float64Array(buffer, this.pq * 8, d);
    this.out = new Float64Array(buffer, this.pout * 8, n);
    this.side = new Float64Array(buffer, pside * 8, sideLength);
    this.qs = new Float64Array(buffer, this.pq * 8, queries * d);
    this.outs = new Float64Array(buffer, this.pout * 8, queries * n);
  }

  /**
   * An empty [d × n] matrix to fill through `b`, or undefined when it would be too large;
   * with `queries` 4, room for multiplyNonzero4's four vectors and products.
   */
  static create(d: number, n: number, sideLength = 0, queries: 1 | 4 = 1): ResidentMatrix | undefined {
    const operands = queries === 4 ? 9 * d + 4 * n : 3 * d + n;
    if ((d * n + operands + sideLength + 4) * 8 > MAX_RESIDENT_BYTES) return undefined;
    return new ResidentMatrix(d, n, sideLength, queries);
  }

  /** The memory the matrix and its product live in (another kernel may work there: kernel-rows.ts). */
  get wasmMemory(): WebAssembly.Memory {
    return this.memory;
  }

  /**
   * Hands the memory to the thread's next matrix: this one must not be used after. (A
   * matrix never released is simply collected.)
   */
  release(): void {
    if (this.memory.buffer.byteLength <= MAX_SPARE_BYTES) spare = { memory: this.memory, kernel: this.kernel };
  }

  /** out = q · B, q written in `q` first; the result is in `out` until the next call. */
  multiply(): void {
    this.kernel.vecmat(this.pq * 8, this.pb * 8, this.pout * 8, this.d, this.n);
  }

  /** multiply() over q's nonzero entries only: the same values for finite B, less to read for a sparse q. */
  multiplyNonzero(): void {
    this.kernel.vecmat_nz(this.pq * 8, this.pb * 8, this.pout * 8, this.d, this.n, this.pscratch * 8);
  }

  /**
   * outs = qs · B for the four vectors in `qs`, each with multiplyNonzero's values (but
   * the sign of a zero sum), B read once for the four. Needs `queries` 4.
   */
  multiplyNonzero4(): void {
    if (this.queries !== 4) throw new Error('multiplyNonzero4 needs a matrix created with queries = 4');
    this.kernel.vecmat_nz4(this.pq * 8, this.pb * 8, this.pout * 8, this.d, this.n, this.pscratch * 8);
  }
}
