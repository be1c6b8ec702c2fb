import { vecmatKernel } from '../linalg/resident-matrix.js';
import { rbfRowKernel } from '../linalg/vector-exp.js';
import { instantiateKernel } from '../linalg/wasm-module.js';

interface SmoExports {
  update_gradient(
    n: number,
    y: number,
    up: number,
    grad: number,
    ki: number,
    kj: number,
    ci: number,
    cj: number,
    found: number,
  ): number;
  partner(
    n: number,
    i: number,
    gMax: number,
    y: number,
    alpha: number,
    cost: number,
    grad: number,
    diag: number,
    ki: number,
    found: number,
  ): number;
}

interface SmoLoopExports {
  hold_rows(rows: number, n: number, d: number, b: number, norms: number): void;
  iterate(
    count: number,
    tol: number,
    n: number,
    d: number,
    rbf: number,
    negGamma: number,
    y: number,
    up: number,
    grad: number,
    alpha: number,
    cost: number,
    diag: number,
    found: number,
    b: number,
    norms: number,
    q: number,
    slots: number,
    cache: number,
    state: number,
  ): number;
}

/** A workspace memory up to this size is kept for the thread's next solve. */
const KEEP_BYTES = 16 * 1024 * 1024;

/** The arrays, in the order they sit in the memory. */
const ARRAYS = ['y', 'up', 'grad', 'alpha', 'cost', 'diag', 'ki', 'kj'] as const;

/**
 * An SMO solve's per-row arrays in one WebAssembly memory, with the two passes every
 * iteration makes over them (wasm/smo.wat: branch-free, four rows a step). The
 * iteration's two kernel rows are copied in beside them (a memory copy of 2n doubles
 * against the passes' ~3 ns a row in JavaScript). One per thread, reused by every solve:
 * a one-vs-one fit solves hundreds of pairs, and solves never overlap on a thread.
 *
 * With `d` features given, the memory also holds the pair's rows (feature-major, with
 * their norms) and a cache of n kernel rows, and `iterate` runs the solver's iterations
 * there (wasm/smo-loop.wat), kernel rows and all.
 */
export class SmoWorkspace {
  y!: Float64Array;
  up!: Float64Array;
  grad!: Float64Array;
  alpha!: Float64Array;
  cost!: Float64Array;
  diag!: Float64Array;
  ki!: Float64Array;
  kj!: Float64Array;
  /** The value the last pass found: gMax after updateGradient, gMin after partner. */
  found!: Float64Array;
  /** ‖row t‖² of the held rows (after `holdRows`). */
  norms!: Float64Array;
  private n = 0;
  private d = 0;
  private readonly held = { stage: 0, b: 0, norms: 0, q: 0, slots: 0, cache: 0, state: 0 };
  private readonly at: Record<(typeof ARRAYS)[number] | 'found', number> = {
    y: 0,
    up: 0,
    grad: 0,
    alpha: 0,
    cost: 0,
    diag: 0,
    ki: 0,
    kj: 0,
    found: 0,
  };
  private readonly memory = new WebAssembly.Memory({ initial: 1 });
  private readonly kernel = instantiateKernel<SmoExports>('smo.wasm', { memory: this.memory });
  private readonly loop = instantiateKernel<SmoLoopExports>('smo-loop.wasm', {
    memory: this.memory,
    update_gradient: this.kernel.update_gradient,
    partner: this.kernel.partner,
    vecmat_nz: vecmatKernel(this.memory).vecmat_nz,
    rbf_row: rbfRowKernel(this.memory).rbf_row,
  });

  private static current: SmoWorkspace | undefined;

  /**
   * This thread's workspace with room for n rows, and for the rows themselves and their
   * kernel matrix when d > 0 (views made afresh: earlier ones may be stale).
   */
  static forRows(n: number, d = 0): SmoWorkspace {
    SmoWorkspace.current ??= new SmoWorkspace();
    SmoWorkspace.current.resize(n, d);
    return SmoWorkspace.current;
  }

  /**
   * After a solve: a workspace grown past KEEP_BYTES (a large pair's kernel matrix) is let
   * go rather than kept by the thread for good; smaller ones serve the fit's next pairs.
   */
  static solved(): void {
    if ((SmoWorkspace.current?.memory.buffer.byteLength ?? 0) > KEEP_BYTES) SmoWorkspace.current = undefined;
  }

  /** Bytes forRows(n, d) needs with the rows held: the kernel matrix's n² doubles, mostly. */
  static heldBytes(n: number, d: number): number {
    return (ARRAYS.length * n + 2 + 3 + 2 * n * d + n + 3 * d + Math.ceil(n / 2) + n * n) * 8;
  }

  private resize(n: number, d: number): void {
    const bytes = d > 0 ? SmoWorkspace.heldBytes(n, d) : (ARRAYS.length * n + 2) * 8;
    const have = this.memory.buffer.byteLength;
    if (bytes > have) this.memory.grow(Math.ceil((bytes - have) / 65536));
    this.n = n;
    this.d = d;
    const buffer = this.memory.buffer;
    ARRAYS.forEach((name, k) => {
      this.at[name] = k * n * 8;
      this[name] = new Float64Array(buffer, k * n * 8, n);
    });
    this.at.found = ARRAYS.length * n * 8;
    this.found = new Float64Array(buffer, this.at.found, 1);
    if (d === 0) return;
    // Then, in doubles: state (3), the rows row-major as copied in, B [d × n], the norms,
    // q (d), the product's scratch (2d: q's nonzero values and offsets), the slots (n
    // int32s), the cache (n rows of n).
    const h = this.held;
    h.state = this.at.found + 16;
    h.stage = h.state + 24;
    h.b = h.stage + n * d * 8;
    h.norms = h.b + n * d * 8;
    h.q = h.norms + n * 8;
    h.slots = h.q + 3 * d * 8;
    h.cache = h.slots + Math.ceil(n / 2) * 8;
    this.norms = new Float64Array(buffer, h.norms, n);
  }

  /** Rows `rows` of x [· × d] into the memory, feature-major, with their norms; the cache emptied. */
  holdRows(x: Float64Array, rows: Int32Array): void {
    const { n, d, held } = this;
    const buffer = this.memory.buffer;
    const stage = new Float64Array(buffer, held.stage, n * d);
    for (let t = 0; t < n; t++) {
      const from = (rows[t] as number) * d;
      stage.set(x.subarray(from, from + d), t * d);
    }
    this.loop.hold_rows(held.stage, n, d, held.b, held.norms);
    new Int32Array(buffer, held.slots, n).fill(0);
  }

  /**
   * Up to `count` iterations from working row i and its gMax (the state the last call
   * left when i is undefined); −1 when all ran, else the iterations run before the solve
   * stopped. The kernel is RBF (negGamma = −γ) or, when negGamma is undefined, linear.
   */
  iterate(count: number, tol: number, negGamma: number | undefined, start?: { i: number; gMax: number }): number {
    const { n, d, at, held } = this;
    const state = new Float64Array(this.memory.buffer, held.state, 3);
    if (start) {
      state[0] = start.gMax;
      state[1] = start.i;
      state[2] = 0;
    }
    const rbf = negGamma === undefined ? 0 : 1;
    return this.loop.iterate(
      count,
      tol,
      n,
      d,
      rbf,
      negGamma ?? 0,
      at.y,
      at.up,
      at.grad,
      at.alpha,
      at.cost,
      at.diag,
      at.found,
      held.b,
      held.norms,
      held.q,
      held.slots,
      held.cache,
      held.state,
    );
  }

  /** G += y·(ci·Ki + cj·Kj) (Ki, Kj: `ki`, `kj`); the most violating row of I_up, −1 when none; found[0] its −y·G. */
  updateGradient(ci: number, cj: number): number {
    const { at } = this;
    return this.kernel.update_gradient(this.n, at.y, at.up, at.grad, at.ki, at.kj, ci, cj, at.found);
  }

  /** i's partner by second-order selection over `ki` = K_i (−1 when none); found[0] the least −y·G over I_low. */
  partner(i: number, gMax: number): number {
    const { at } = this;
    return this.kernel.partner(this.n, i, gMax, at.y, at.alpha, at.cost, at.grad, at.diag, at.ki, at.found);
  }
}
