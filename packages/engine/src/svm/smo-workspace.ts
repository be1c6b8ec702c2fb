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

/** The arrays, in the order they sit in the memory. */
const ARRAYS = ['y', 'up', 'grad', 'alpha', 'cost', 'diag', 'ki', 'kj'] as const;

/**
 * An SMO solve's per-row arrays in one WebAssembly memory, with the two passes every
 * iteration makes over them (wasm/smo.wat: branch-free, two rows at a time). The
 * iteration's two kernel rows are copied in beside them (a memory copy of 2n doubles
 * against the passes' ~3 ns a row in JavaScript). One per thread, reused by every solve:
 * a one-vs-one fit solves hundreds of pairs, and solves never overlap on a thread.
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
  private n = 0;
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

  private static current: SmoWorkspace | undefined;

  /** This thread's workspace with room for n rows (views made afresh: earlier ones may be stale). */
  static forRows(n: number): SmoWorkspace {
    SmoWorkspace.current ??= new SmoWorkspace();
    SmoWorkspace.current.resize(n);
    return SmoWorkspace.current;
  }

  private resize(n: number): void {
    const bytes = (ARRAYS.length * n + 1) * 8;
    const have = this.memory.buffer.byteLength;
    if (bytes > have) this.memory.grow(Math.ceil((bytes - have) / 65536));
    this.n = n;
    const buffer = this.memory.buffer;
    ARRAYS.forEach((name, k) => {
      this.at[name] = k * n * 8;
      this[name] = new Float64Array(buffer, k * n * 8, n);
    });
    this.at.found = ARRAYS.length * n * 8;
    this.found = new Float64Array(buffer, this.at.found, 1);
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
