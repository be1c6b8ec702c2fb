import { instantiateKernel } from '../linalg/wasm-module.js';
import { GiniSplit } from './gini-split.js';

interface GiniExports {
  fill_two(
    idx: number,
    n: number,
    labels: number,
    weight: number,
    colA: number,
    colB: number,
    k: number,
    histA: number,
    countA: number,
    histB: number,
    countB: number,
    minmax: number,
  ): void;
  fill_one(
    idx: number,
    n: number,
    labels: number,
    weight: number,
    col: number,
    k: number,
    hist: number,
    count: number,
    minmax: number,
  ): void;
  scan(
    hist: number,
    count: number,
    minBin: number,
    maxBin: number,
    k: number,
    total: number,
    left: number,
    totalWeight: number,
    totalSquares: number,
    nodeRows: number,
    minLeaf: number,
    out: number,
  ): number;
}

/** wasm32 addresses end at 4 GiB: larger bins stay with the JavaScript search. */
const MAX_BYTES = 4 * 1024 * 1024 * 1024 - 65536;

const align = (bytes: number) => Math.ceil(bytes / 64) * 64;

/**
 * One thread's copy of a fit's bins and labels in a WebAssembly memory, with the rows,
 * weights and histograms a tree's search works on (linalg/wasm/gini.wat), made once per
 * fit and thread and used by each of its trees in turn. Its size is fixed when made: the
 * views into it stay valid.
 */
class GiniSpace {
  readonly memory: WebAssembly.Memory;
  readonly kernel: GiniExports;
  /** Byte addresses. */
  readonly at = {
    binned: 0,
    labels: 0,
    weight: 0,
    idx: 0,
    histA: 0,
    countA: 0,
    histB: 0,
    countB: 0,
    total: 0,
    left: 0,
    out: 0,
  };
  readonly idx: Int32Array;
  readonly weight: Float64Array;
  readonly total: Float64Array;
  readonly left: Float64Array;
  readonly out: Float64Array;
  readonly minmax: Int32Array;

  static bytes(nRows: number, nFeatures: number, nClasses: number): number {
    return (
      align(nRows * nFeatures) +
      2 * align(nRows * 4) +
      align(nRows * 8) +
      2 * align(256 * nClasses * 8 + 256 * 4) +
      2 * align(nClasses * 8) +
      64
    );
  }

  constructor(binned: Uint8Array, labels: Int32Array, nRows: number, nFeatures: number, nClasses: number) {
    const at = this.at;
    at.labels = align(nRows * nFeatures);
    at.weight = at.labels + align(nRows * 4);
    at.idx = at.weight + align(nRows * 8);
    at.histA = at.idx + align(nRows * 4);
    at.countA = at.histA + 256 * nClasses * 8;
    at.histB = at.histA + align(256 * nClasses * 8 + 256 * 4);
    at.countB = at.histB + 256 * nClasses * 8;
    at.total = at.histB + align(256 * nClasses * 8 + 256 * 4);
    at.left = at.total + align(nClasses * 8);
    at.out = at.left + align(nClasses * 8);
    const bytes = GiniSpace.bytes(nRows, nFeatures, nClasses);
    this.memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / 65536) });
    this.kernel = instantiateKernel<GiniExports>('gini.wasm', { memory: this.memory });
    const buffer = this.memory.buffer;
    new Uint8Array(buffer, 0, nRows * nFeatures).set(binned.subarray(0, nRows * nFeatures));
    new Int32Array(buffer, at.labels, nRows).set(labels);
    this.weight = new Float64Array(buffer, at.weight, nRows);
    this.idx = new Int32Array(buffer, at.idx, nRows);
    this.total = new Float64Array(buffer, at.total, nClasses);
    this.left = new Float64Array(buffer, at.left, nClasses);
    this.out = new Float64Array(buffer, at.out, 2);
    this.minmax = new Int32Array(buffer, at.out + 16, 4);
  }
}

// Each thread's space for the bins it was last asked about: a fit's trees share its bins.
let current: { binned: Uint8Array; space: GiniSpace } | undefined;

/**
 * The Gini split search with its passes in WebAssembly (linalg/wasm/gini.wat): the rows'
 * bins read from the thread's copy, the histograms filled and scanned there; the same
 * sums in the same order as GiniSplit, so the same trees. A tree's rows live in the copy's
 * memory (`rows`), where the passes read them; `binned` and `idx` given to the searches
 * must be the fit's bins and those rows.
 */
export class WasmGiniSplit extends GiniSplit {
  private readonly space: GiniSpace;

  /** A search for one tree over `binned` and `labels` (the fit's), or undefined when they are too large for a wasm32 memory. */
  static over(
    binned: Uint8Array,
    labels: Int32Array,
    weight: Float64Array,
    nRows: number,
    nFeatures: number,
    nClasses: number,
    minSamplesLeaf: number,
  ): WasmGiniSplit | undefined {
    if (GiniSpace.bytes(nRows, nFeatures, nClasses) > MAX_BYTES) return undefined;
    if (current?.binned !== binned)
      current = { binned, space: new GiniSpace(binned, labels, nRows, nFeatures, nClasses) };
    return new WasmGiniSplit(current.space, labels, weight, nClasses, minSamplesLeaf);
  }

  private constructor(
    space: GiniSpace,
    labels: Int32Array,
    weight: Float64Array,
    nClasses: number,
    minSamplesLeaf: number,
  ) {
    super(labels, weight, nClasses, minSamplesLeaf, { total: space.total, left: space.left });
    this.space = space;
    space.weight.set(weight);
  }

  /** The tree's rows, in the memory the passes read them from. */
  rows(n: number): Int32Array {
    return this.space.idx.subarray(0, n);
  }

  override searchFeature(
    _binned: Uint8Array,
    col: number,
    _nBins: number,
    _idx: Int32Array,
    start: number,
    end: number,
  ): boolean {
    const { kernel, at, minmax } = this.space;
    kernel.fill_one(
      at.idx + 4 * start,
      end - start,
      at.labels,
      at.weight,
      at.binned + col,
      this.nClasses,
      at.histA,
      at.countA,
      at.out + 16,
    );
    return this.scanned(at.histA, at.countA, minmax[0] as number, minmax[1] as number);
  }

  override searchTwo(
    _binned: Uint8Array,
    colA: number,
    colB: number,
    _idx: Int32Array,
    start: number,
    end: number,
  ): [boolean, boolean] {
    const { kernel, at, minmax } = this.space;
    kernel.fill_two(
      at.idx + 4 * start,
      end - start,
      at.labels,
      at.weight,
      at.binned + colA,
      at.binned + colB,
      this.nClasses,
      at.histA,
      at.countA,
      at.histB,
      at.countB,
      at.out + 16,
    );
    const second = this.scanned(at.histB, at.countB, minmax[2] as number, minmax[3] as number);
    const gain2 = this.gain;
    const bin2 = this.bin;
    const first = this.scanned(at.histA, at.countA, minmax[0] as number, minmax[1] as number);
    this.gain2 = gain2;
    this.bin2 = bin2;
    return [first, second];
  }

  /** gini.wat's scan of the histogram at `hist`: its result in gain and bin. */
  private scanned(hist: number, count: number, minBin: number, maxBin: number): boolean {
    const { kernel, at, out } = this.space;
    const varies = kernel.scan(
      hist,
      count,
      minBin,
      maxBin,
      this.nClasses,
      at.total,
      at.left,
      this.totalWeight,
      this.totalSquares,
      this.nodeRows,
      this.minSamplesLeaf,
      at.out,
    );
    this.gain = out[0] as number;
    this.bin = out[1] as number;
    return varies === 1;
  }
}
