import { threadId } from 'node:worker_threads';
import { instantiateKernel } from '../linalg/wasm-module.js';

/** A leaf's best split: its feature, the last bin going left, and the gain. */
export interface HistogramSplit {
  feature: number;
  bin: number;
  gain: number;
}

/** What a split must leave on each side, and the leaf values' L2 (λ). */
export interface SplitRules {
  minSamplesLeaf: number;
  minHessianToSplit: number;
  l2: number;
}

/**
 * A gradient tree's histograms (gradient-tree-builder.ts) over one fit's binned rows: a
 * leaf's gradient sum, hessian sum and row count per bin of every feature, built from
 * the leaf's rows, and scanned for the leaf's best split. Histograms are handles, taken
 * by `build` and given back by `release`; the row partition (`rows()`) is the tree's, its
 * leaves contiguous ranges. In WebAssembly (linalg/wasm/histograms.wat) where the fit's
 * bins and the histograms fit a wasm32 memory, else in JavaScript: the same sums in the
 * same order, the same trees.
 */
export interface GradientHistograms {
  /** The rows, partitioned leaf by leaf; a view valid until the next build or findSplit. */
  rows(): Int32Array;
  /** The tree's gradients and hessians (one per row), and the rows reset to 0 … n − 1. */
  startTree(grad: Float64Array, hess: Float64Array): void;
  /** The histograms of the leaf whose rows are rows()[start, start + n). */
  build(start: number, n: number): number;
  /**
   * The best split of a leaf of n rows with gradient sum g and hessian sum h, from
   * histogram `hist` (less `minus`'s, made in place, when given: a larger child's from its
   * parent's and its sibling's); undefined when none gains.
   */
  findSplit(hist: number, minus: number | undefined, n: number, g: number, h: number): HistogramSplit | undefined;
  release(hist: number): void;
}

/** The fit's bins and split rules, the same on every thread that grows its trees. */
export interface HistogramInputs {
  /** Column-major bins, [features × rows]. */
  binned: Uint8Array;
  nRows: number;
  nFeatures: number;
  /** Feature f's bins are offsets[f] … offsets[f + 1] − 1 of a histogram. */
  offsets: Int32Array;
  rules: SplitRules;
  /** Names this fit's bins: a thread copies them into its WebAssembly memory once per key. */
  key: number;
}

let keys = 0;

/** A new fit's key, unique in the process (a thread's own count and its id). */
export function histogramKey(): number {
  keys += 1;
  return threadId * 2 ** 32 + keys;
}

/** This thread's histograms for `inputs` (WebAssembly ones kept from tree to tree of a fit). */
export function gradientHistograms(inputs: HistogramInputs): GradientHistograms {
  if (current?.key === inputs.key) return current.histograms;
  const histograms = WasmHistograms.fits(inputs) ? new WasmHistograms(inputs) : new ArrayHistograms(inputs);
  current = { key: inputs.key, histograms };
  return histograms;
}

let current: { key: number; histograms: GradientHistograms } | undefined;

interface HistogramExports {
  build(
    idx: number,
    n: number,
    grad: number,
    hess: number,
    binned: number,
    nRows: number,
    nFeatures: number,
    offsets: number,
    hist: number,
    bins: number,
    rows: number,
    gh: number,
  ): void;
  find_split(
    hist: number,
    minus: number,
    offsets: number,
    nFeatures: number,
    n: number,
    g: number,
    h: number,
    l2: number,
    minLeaf: number,
    minHess: number,
    out: number,
  ): number;
}

/** wasm32 addresses end at 4 GiB. */
const MAX_BYTES = 4 * 1024 * 1024 * 1024 - 65536;
/** Histograms a tree holds at once, for the fits() estimate: its open leaves' and two more. */
const HELD_ESTIMATE = 34;

const align = (bytes: number) => Math.ceil(bytes / 64) * 64;

/**
 * The histograms in one WebAssembly memory with a copy of the fit's bins: [bins] [offsets]
 * [rows] [gradients] [hessians] [gathered rows] [gathered (g, h)] [out] [histograms…], the
 * histograms taken from a free list, the memory grown when it is empty.
 */
export class WasmHistograms implements GradientHistograms {
  private readonly memory = new WebAssembly.Memory({ initial: 1 });
  private readonly kernel = instantiateKernel<HistogramExports>('histograms.wasm', { memory: this.memory });
  private readonly at = { binned: 0, offsets: 0, idx: 0, grad: 0, hess: 0, rows: 0, gh: 0, out: 0, hists: 0 };
  private readonly bins: number;
  private readonly histBytes: number;
  private readonly free: number[] = [];
  private end: number;

  static fits(inputs: HistogramInputs): boolean {
    return WasmHistograms.layoutBytes(inputs) + HELD_ESTIMATE * WasmHistograms.histBytesOf(inputs) <= MAX_BYTES;
  }

  private static histBytesOf(inputs: HistogramInputs): number {
    return align((inputs.offsets[inputs.nFeatures] as number) * 24);
  }

  private static layoutBytes({ nRows, nFeatures }: HistogramInputs): number {
    return align(nRows * nFeatures) + align((nFeatures + 1) * 4) + 2 * align(nRows * 4) + 4 * align(nRows * 8) + 64;
  }

  constructor(private readonly inputs: HistogramInputs) {
    const { nRows, nFeatures, offsets, binned } = inputs;
    const at = this.at;
    at.offsets = align(nRows * nFeatures);
    at.idx = at.offsets + align((nFeatures + 1) * 4);
    at.grad = at.idx + align(nRows * 4);
    at.hess = at.grad + align(nRows * 8);
    at.rows = at.hess + align(nRows * 8);
    at.gh = at.rows + align(nRows * 4);
    at.out = at.gh + align(nRows * 16);
    at.hists = at.out + 64;
    this.bins = offsets[nFeatures] as number;
    this.histBytes = WasmHistograms.histBytesOf(inputs);
    this.end = at.hists;
    this.grow(at.hists);
    const buffer = this.memory.buffer;
    new Uint8Array(buffer, 0, nRows * nFeatures).set(binned.subarray(0, nRows * nFeatures));
    new Int32Array(buffer, at.offsets, nFeatures + 1).set(offsets);
  }

  rows(): Int32Array {
    return new Int32Array(this.memory.buffer, this.at.idx, this.inputs.nRows);
  }

  startTree(grad: Float64Array, hess: Float64Array): void {
    const { nRows } = this.inputs;
    const buffer = this.memory.buffer;
    new Float64Array(buffer, this.at.grad, nRows).set(grad);
    new Float64Array(buffer, this.at.hess, nRows).set(hess);
    const idx = this.rows();
    for (let i = 0; i < nRows; i++) idx[i] = i;
  }

  build(start: number, n: number): number {
    const hist = this.take();
    const { at, inputs } = this;
    this.kernel.build(
      at.idx + 4 * start,
      n,
      at.grad,
      at.hess,
      at.binned,
      inputs.nRows,
      inputs.nFeatures,
      at.offsets,
      hist,
      this.bins,
      at.rows,
      at.gh,
    );
    return hist;
  }

  findSplit(hist: number, minus: number | undefined, n: number, g: number, h: number): HistogramSplit | undefined {
    const { at, inputs } = this;
    const { rules } = inputs;
    const feature = this.kernel.find_split(
      hist,
      minus ?? 0,
      at.offsets,
      inputs.nFeatures,
      n,
      g,
      h,
      rules.l2,
      rules.minSamplesLeaf,
      rules.minHessianToSplit,
      at.out,
    );
    if (feature < 0) return undefined;
    const out = new Float64Array(this.memory.buffer, at.out, 2);
    return { feature, bin: out[0] as number, gain: out[1] as number };
  }

  release(hist: number): void {
    this.free.push(hist);
  }

  private take(): number {
    const hist = this.free.pop();
    if (hist !== undefined) return hist;
    const at = this.end;
    this.end += this.histBytes;
    this.grow(this.end);
    return at;
  }

  private grow(bytes: number): void {
    const have = this.memory.buffer.byteLength;
    if (bytes > have) this.memory.grow(Math.ceil((bytes - have) / 65536));
  }
}

/** The JavaScript histograms, for fits past a wasm32 memory: histogram.wat's loops, the same bits. */
export class ArrayHistograms implements GradientHistograms {
  private readonly idx: Int32Array;
  private readonly gathered: { rows: Int32Array; grad: Float64Array; hess: Float64Array };
  private readonly hists: Float64Array[] = [];
  private readonly free: number[] = [];
  private grad: Float64Array = new Float64Array(0);
  private hess: Float64Array = new Float64Array(0);

  constructor(private readonly inputs: HistogramInputs) {
    const n = inputs.nRows;
    this.idx = new Int32Array(n);
    this.gathered = { rows: new Int32Array(n), grad: new Float64Array(n), hess: new Float64Array(n) };
  }

  rows(): Int32Array {
    return this.idx;
  }

  startTree(grad: Float64Array, hess: Float64Array): void {
    this.grad = grad;
    this.hess = hess;
    for (let i = 0; i < this.idx.length; i++) this.idx[i] = i;
  }

  build(start: number, n: number): number {
    const { binned, nRows, nFeatures, offsets } = this.inputs;
    const handle = this.take();
    const hist = this.hists[handle] as Float64Array;
    hist.fill(0);
    const { idx, grad, hess } = this;
    const { rows: or, grad: og, hess: oh } = this.gathered;
    for (let i = 0; i < n; i++) {
      const r = idx[start + i] as number;
      or[i] = r;
      og[i] = grad[r] as number;
      oh[i] = hess[r] as number;
    }
    // Four features a pass, as histograms.wat (why, there).
    let f = 0;
    for (; f + 3 < nFeatures; f += 4) {
      const col0 = f * nRows;
      const col1 = col0 + nRows;
      const col2 = col1 + nRows;
      const col3 = col2 + nRows;
      const base0 = 3 * (offsets[f] as number);
      const base1 = 3 * (offsets[f + 1] as number);
      const base2 = 3 * (offsets[f + 2] as number);
      const base3 = 3 * (offsets[f + 3] as number);
      for (let i = 0; i < n; i++) {
        const r = or[i] as number;
        const g = og[i] as number;
        const h = oh[i] as number;
        addRow(hist, base0 + 3 * (binned[col0 + r] as number), g, h);
        addRow(hist, base1 + 3 * (binned[col1 + r] as number), g, h);
        addRow(hist, base2 + 3 * (binned[col2 + r] as number), g, h);
        addRow(hist, base3 + 3 * (binned[col3 + r] as number), g, h);
      }
    }
    for (; f < nFeatures; f++) {
      const col = f * nRows;
      const base = 3 * (offsets[f] as number);
      for (let i = 0; i < n; i++) {
        addRow(hist, base + 3 * (binned[col + (or[i] as number)] as number), og[i] as number, oh[i] as number);
      }
    }
    return handle;
  }

  findSplit(
    handle: number,
    minusHandle: number | undefined,
    n: number,
    g: number,
    h: number,
  ): HistogramSplit | undefined {
    const { nFeatures, offsets, rules } = this.inputs;
    const { minSamplesLeaf: minLeaf, minHessianToSplit: minHess, l2 } = rules;
    const hist = this.hists[handle] as Float64Array;
    const minus = minusHandle === undefined ? undefined : (this.hists[minusHandle] as Float64Array);
    const parent = (g * g) / (h + l2);
    let best: HistogramSplit | undefined;
    let bestGain = 1e-12;
    for (let f = 0; f < nFeatures; f++) {
      const off = offsets[f] as number;
      const nb = (offsets[f + 1] as number) - off;
      let gl = 0;
      let hl = 0;
      let nl = 0;
      let scanning = true;
      for (let b = 0; b < nb - 1; b++) {
        const at = 3 * (off + b);
        if (minus) {
          subtractBin(hist, minus, at);
          if (!scanning) continue;
        }
        gl += hist[at] as number;
        hl += hist[at + 1] as number;
        const count = hist[at + 2] as number;
        nl += count;
        if (count === 0 || nl < minLeaf) continue;
        if (n - nl < minLeaf) {
          // nl only grows: no later bin of this feature is a candidate.
          if (!minus) break;
          scanning = false;
          continue;
        }
        const hr = h - hl;
        if (hl < minHess || hr < minHess) continue;
        const gr = g - gl;
        const gain = (gl * gl) / (hl + l2) + (gr * gr) / (hr + l2) - parent;
        if (gain > bestGain) {
          bestGain = gain;
          best = { feature: f, bin: b, gain };
        }
      }
      if (minus && nb > 0) subtractBin(hist, minus, 3 * (off + nb - 1));
    }
    return best;
  }

  release(handle: number): void {
    this.free.push(handle);
  }

  private take(): number {
    const handle = this.free.pop();
    if (handle !== undefined) return handle;
    this.hists.push(new Float64Array(3 * (this.inputs.offsets[this.inputs.nFeatures] as number)));
    return this.hists.length - 1;
  }
}

/** A row of gradient g and hessian h added to the bin at `at`. */
function addRow(hist: Float64Array, at: number, g: number, h: number): void {
  hist[at] = (hist[at] as number) + g;
  hist[at + 1] = (hist[at + 1] as number) + h;
  hist[at + 2] = (hist[at + 2] as number) + 1;
}

/** The bin at `at` of hist less minus's, in place. */
function subtractBin(hist: Float64Array, minus: Float64Array, at: number): void {
  hist[at] = (hist[at] as number) - (minus[at] as number);
  hist[at + 1] = (hist[at + 1] as number) - (minus[at + 1] as number);
  hist[at + 2] = (hist[at + 2] as number) - (minus[at + 2] as number);
}
