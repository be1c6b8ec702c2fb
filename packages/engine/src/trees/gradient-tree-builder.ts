import type { TreeArrays } from './decision-tree-model.js';

export interface GradientTreeGrowth {
  maxLeafNodes: number;
  maxDepth: number;
  minSamplesLeaf: number;
  /** L2 on leaf values (λ). */
  l2: number;
  minHessianToSplit: number;
  /** Leaf values are multiplied by this (shrinkage). */
  learningRate: number;
}

/**
 * One leaf's histograms over every feature's bins (feature f's bin b at offsets[f] + b):
 * gradient sum, hessian sum and row count side by side, so that adding a row to a bin
 * touches one cache line.
 */
type Histogram = Float64Array;

interface Leaf {
  node: number;
  start: number;
  end: number;
  depth: number;
  g: number;
  h: number;
  /** Kept while the leaf may still be split: its children's come from it. */
  hist?: Histogram;
  split?: { feature: number; bin: number; gain: number };
}

// Histograms are reused between trees (a boosting fit grows thousands): taken per leaf,
// given back when the leaf is split or final.
const spare = new Map<number, Histogram[]>();

function takeHistogram(size: number): Histogram {
  return spare.get(size)?.pop() ?? new Float64Array(3 * size);
}

function giveBack(hist: Histogram | undefined): void {
  if (!hist) return;
  const size = hist.length / 3;
  const list = spare.get(size) ?? [];
  spare.set(size, list);
  if (list.length < 64) list.push(hist);
}

// The gathered rows, gradients and hessians, kept for the thread's next tree (a fit grows
// hundreds or thousands, each of which allocated its own).
let scratch: { rows: Int32Array; grad: Float64Array; hess: Float64Array } | undefined;

function gathered(n: number): { rows: Int32Array; grad: Float64Array; hess: Float64Array } {
  if (!scratch || scratch.rows.length < n) {
    scratch = { rows: new Int32Array(n), grad: new Float64Array(n), hess: new Float64Array(n) };
  }
  return scratch;
}

export interface GrownTree {
  tree: TreeArrays;
  /** The leaf (node index) of each training row. */
  rowLeaf: Uint16Array | Int32Array;
}

/**
 * Grows one regression tree on gradients and hessians, best-first (largest gain first)
 * up to `maxLeafNodes` leaves, as LightGBM and scikit-learn's HistGradientBoosting do:
 * a split's gain is G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ), a leaf's value −G/(H+λ).
 * As they do, a split builds the histograms of its smaller child only, over the child's
 * gradients gathered once, and takes the larger child's as the parent's minus those.
 */
export function growGradientTree(
  binned: Uint8Array,
  /** The binner's thresholds (a FeatureBinner, or its arrays handed to a worker). */
  binner: { thresholds: Float64Array[] },
  nRows: number,
  nFeatures: number,
  grad: Float64Array,
  hess: Float64Array,
  growth: GradientTreeGrowth,
): GrownTree {
  const idx = new Int32Array(nRows);
  for (let i = 0; i < nRows; i++) idx[i] = i;
  const feature: number[] = [];
  const threshold: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const value: number[] = [];
  const offsets = new Int32Array(nFeatures + 1);
  for (let f = 0; f < nFeatures; f++) {
    offsets[f + 1] = (offsets[f] as number) + (binner.thresholds[f] as Float64Array).length + 1;
  }
  const size = offsets[nFeatures] as number;
  // A leaf's rows, gradients and hessians in its row order, gathered once for all features.
  const { rows: or, grad: og, hess: oh } = gathered(nRows);
  const addNode = (): number => {
    feature.push(-1);
    threshold.push(0);
    left.push(-1);
    right.push(-1);
    value.push(0);
    return feature.length - 1;
  };
  const leafValue = (l: Leaf) => (-growth.learningRate * l.g) / (l.h + growth.l2);
  const splittable = (l: Leaf) =>
    l.depth < growth.maxDepth && l.end - l.start >= 2 * growth.minSamplesLeaf && l.h >= growth.minHessianToSplit;

  const build = (l: Leaf): Histogram => {
    const hist = takeHistogram(size);
    hist.fill(0);
    const n = l.end - l.start;
    for (let i = 0; i < n; i++) {
      const r = idx[l.start + i] as number;
      or[i] = r;
      og[i] = grad[r] as number;
      oh[i] = hess[r] as number;
    }
    // Four features a pass: rows often fall in the same bin one after another (a pixel's
    // 0), and each bin's sums then wait on the one before; different features' bins are
    // apart, so their waits overlap (Fashion-MNIST, five iterations on one thread: 11.1 s
    // one feature a pass, 9.3 two, 8.4 four). Every bin still sums its rows in order: the
    // same values.
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
        const b0 = base0 + 3 * (binned[col0 + r] as number);
        const b1 = base1 + 3 * (binned[col1 + r] as number);
        const b2 = base2 + 3 * (binned[col2 + r] as number);
        const b3 = base3 + 3 * (binned[col3 + r] as number);
        hist[b0] = (hist[b0] as number) + g;
        hist[b0 + 1] = (hist[b0 + 1] as number) + h;
        hist[b0 + 2] = (hist[b0 + 2] as number) + 1;
        hist[b1] = (hist[b1] as number) + g;
        hist[b1 + 1] = (hist[b1 + 1] as number) + h;
        hist[b1 + 2] = (hist[b1 + 2] as number) + 1;
        hist[b2] = (hist[b2] as number) + g;
        hist[b2 + 1] = (hist[b2 + 1] as number) + h;
        hist[b2 + 2] = (hist[b2 + 2] as number) + 1;
        hist[b3] = (hist[b3] as number) + g;
        hist[b3 + 1] = (hist[b3 + 1] as number) + h;
        hist[b3 + 2] = (hist[b3 + 2] as number) + 1;
      }
    }
    for (; f < nFeatures; f++) {
      const col = f * nRows;
      const base = 3 * (offsets[f] as number);
      for (let i = 0; i < n; i++) {
        const b = base + 3 * (binned[col + (or[i] as number)] as number);
        hist[b] = (hist[b] as number) + (og[i] as number);
        hist[b + 1] = (hist[b + 1] as number) + (oh[i] as number);
        hist[b + 2] = (hist[b + 2] as number) + 1;
      }
    }
    return hist;
  };

  /**
   * Picks the leaf's best split from its histograms (none when no split gains). With
   * `minus`, the leaf's histograms are hist − minus (a larger child's: its parent's less
   * its sibling's), made in place bin by bin as the scan reaches them: one pass over the
   * histograms where a subtraction pass and then the scan made two (the subtraction
   * alone was a fifth of a wide set's fit: Fashion-MNIST's 784 features × 256 bins).
   */
  const findSplit = (l: Leaf, hist: Histogram, minus?: Histogram): void => {
    const n = l.end - l.start;
    const parent = (l.g * l.g) / (l.h + growth.l2);
    let best: Leaf['split'];
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
          hist[at] = (hist[at] as number) - (minus[at] as number);
          hist[at + 1] = (hist[at + 1] as number) - (minus[at + 1] as number);
          hist[at + 2] = (hist[at + 2] as number) - (minus[at + 2] as number);
          if (!scanning) continue;
        }
        gl += hist[at] as number;
        hl += hist[at + 1] as number;
        const count = hist[at + 2] as number;
        nl += count;
        if (count === 0) continue;
        const nr = n - nl;
        if (nl < growth.minSamplesLeaf || nr < growth.minSamplesLeaf) continue;
        if (nr === 0) {
          // Past the last row: no more splits here (the rest is still to subtract).
          if (minus) {
            scanning = false;
            continue;
          }
          break;
        }
        const hr = l.h - hl;
        if (hl < growth.minHessianToSplit || hr < growth.minHessianToSplit) continue;
        const gr = l.g - gl;
        const gain = (gl * gl) / (hl + growth.l2) + (gr * gr) / (hr + growth.l2) - parent;
        if (gain > 1e-12 && (!best || gain > best.gain)) best = { feature: f, bin: b, gain };
      }
      if (minus && nb > 0) {
        const at = 3 * (off + nb - 1);
        hist[at] = (hist[at] as number) - (minus[at] as number);
        hist[at + 1] = (hist[at + 1] as number) - (minus[at + 1] as number);
        hist[at + 2] = (hist[at + 2] as number) - (minus[at + 2] as number);
      }
    }
    l.split = best;
    if (best) l.hist = hist;
    else giveBack(hist);
  };

  const rootG = grad.reduce((a, b) => a + b, 0);
  const rootH = hess.reduce((a, b) => a + b, 0);
  const root: Leaf = { node: addNode(), start: 0, end: nRows, depth: 0, g: rootG, h: rootH };
  if (splittable(root)) findSplit(root, build(root));
  const open: Leaf[] = [root];
  const done: Leaf[] = [];
  let leaves = 1;
  while (open.length > 0 && leaves < growth.maxLeafNodes) {
    // Best-first: the open leaf with the largest gain.
    let bi = -1;
    for (let i = 0; i < open.length; i++) {
      const s = (open[i] as Leaf).split;
      if (s && (bi < 0 || s.gain > ((open[bi] as Leaf).split as { gain: number }).gain)) bi = i;
    }
    if (bi < 0) break;
    const l = open.splice(bi, 1)[0] as Leaf;
    const s = l.split as NonNullable<Leaf['split']>;
    const col = s.feature * nRows;
    let i = l.start;
    let j = l.end - 1;
    let gl = 0;
    let hl = 0;
    while (i <= j) {
      const r = idx[i] as number;
      if ((binned[col + r] as number) <= s.bin) {
        gl += grad[r] as number;
        hl += hess[r] as number;
        i++;
      } else {
        idx[i] = idx[j] as number;
        idx[j] = r;
        j--;
      }
    }
    feature[l.node] = s.feature;
    threshold[l.node] = (binner.thresholds[s.feature] as Float64Array)[s.bin] as number;
    const ln = addNode();
    const rn = addNode();
    left[l.node] = ln;
    right[l.node] = rn;
    const lc: Leaf = { node: ln, start: l.start, end: i, depth: l.depth + 1, g: gl, h: hl };
    const rc: Leaf = { node: rn, start: i, end: l.end, depth: l.depth + 1, g: l.g - gl, h: l.h - hl };
    const parentHist = l.hist as Histogram;
    l.hist = undefined;
    const [small, large] = lc.end - lc.start <= rc.end - rc.start ? [lc, rc] : [rc, lc];
    const wantSmall = splittable(small);
    const wantLarge = splittable(large);
    const smallHist = wantSmall || wantLarge ? build(small) : undefined;
    // The larger child's histograms: the parent's minus the smaller one's, in place.
    if (smallHist && wantLarge) findSplit(large, parentHist, smallHist);
    else giveBack(parentHist);
    if (smallHist && wantSmall) findSplit(small, smallHist);
    else giveBack(smallHist);
    open.push(lc, rc);
    leaves++;
  }
  // Each row's leaf, from the partition: the node leafOf() finds for the row (bins and
  // thresholds agree exactly, see FeatureBinner), without walking the tree.
  const rowLeaf = feature.length < 65_536 ? new Uint16Array(nRows) : new Int32Array(nRows);
  for (const l of [...open, ...done]) {
    value[l.node] = leafValue(l);
    giveBack(l.hist);
    for (let i = l.start; i < l.end; i++) rowLeaf[idx[i] as number] = l.node;
  }
  return {
    tree: {
      feature: Int32Array.from(feature),
      threshold: Float64Array.from(threshold),
      left: Int32Array.from(left),
      right: Int32Array.from(right),
      value: Float64Array.from(value),
      width: 1,
    },
    rowLeaf,
  };
}
