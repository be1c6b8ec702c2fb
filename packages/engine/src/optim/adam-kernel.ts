import { instantiateKernel } from '../linalg/wasm-module.js';

interface AdamExports {
  adam(
    w: number,
    m: number,
    v: number,
    g1: number,
    g2: number,
    n: number,
    penalised: number,
    alpha: number,
    rows: number,
    lrT: number,
    sumSq: number,
  ): number;
}

/**
 * Adam's moments for a network's parameters, kept in WebAssembly memory, and its step in
 * SIMD (linalg/wasm/adam.wat: the same bits as the JavaScript loop). The step runs on the
 * training thread between batches while the workers wait: as a loop of one division and
 * one square root a value it took 11–22 ns a parameter, an eighth of a fit.
 */
export class AdamKernel {
  private readonly kernel: AdamExports;
  private readonly view: Float64Array;
  private readonly n: number;
  private readonly at: { w: number; m: number; v: number; g1: number; g2: number };

  /** For parameters in arrays of these lengths, the first `penalised` of them under L2. */
  constructor(
    private readonly lengths: number[],
    private readonly penalised: number,
  ) {
    this.n = lengths.reduce((a, b) => a + b, 0);
    const stride = this.n + (this.n & 1);
    const memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil((5 * stride * 8) / 65536)) });
    this.kernel = instantiateKernel<AdamExports>('adam.wasm', { memory });
    this.view = new Float64Array(memory.buffer);
    this.at = { w: 0, m: stride, v: 2 * stride, g1: 3 * stride, g2: 4 * stride };
  }

  /**
   * One step over `params` (updated in place) with the gradient first + second (laid out
   * as the parameters one after another); returns Σ w² of the penalised ones before the step.
   */
  step(
    params: Float64Array[],
    first: Float64Array,
    second: Float64Array,
    alpha: number,
    rows: number,
    lrT: number,
  ): number {
    const { view, at, n } = this;
    let penalisedCount = 0;
    let o = 0;
    for (let q = 0; q < params.length; q++) {
      const p = params[q] as Float64Array;
      view.set(p, at.w + o);
      o += p.length;
      if (q < this.penalised) penalisedCount = o;
    }
    view.set(first.subarray(0, n), at.g1);
    view.set(second.subarray(0, n), at.g2);
    const bytes = (k: number, from: number) => (k + from) * 8;
    let sumSq = this.kernel.adam(
      bytes(at.w, 0),
      bytes(at.m, 0),
      bytes(at.v, 0),
      bytes(at.g1, 0),
      bytes(at.g2, 0),
      penalisedCount,
      1,
      alpha,
      rows,
      lrT,
      0,
    );
    sumSq = this.kernel.adam(
      bytes(at.w, penalisedCount),
      bytes(at.m, penalisedCount),
      bytes(at.v, penalisedCount),
      bytes(at.g1, penalisedCount),
      bytes(at.g2, penalisedCount),
      n - penalisedCount,
      0,
      alpha,
      rows,
      lrT,
      sumSq,
    );
    o = 0;
    for (const p of params) {
      p.set(view.subarray(at.w + o, at.w + o + p.length));
      o += p.length;
    }
    return sumSq;
  }
}
