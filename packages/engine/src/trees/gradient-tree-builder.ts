import type { TreeArrays } from './decision-tree-model.js';
import type { GradientHistograms, HistogramSplit } from './gradient-histograms.js';

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

interface Leaf {
  node: number;
  start: number;
  end: number;
  depth: number;
  g: number;
  h: number;
  /** Kept while the leaf may still be split: its children's come from it. */
  hist?: number;
  split?: HistogramSplit;
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
  histograms: GradientHistograms,
  binned: Uint8Array,
  /** The binner's thresholds (a FeatureBinner, or its arrays handed to a worker). */
  binner: { thresholds: Float64Array[] },
  nRows: number,
  grad: Float64Array,
  hess: Float64Array,
  growth: GradientTreeGrowth,
): GrownTree {
  histograms.startTree(grad, hess);
  const feature: number[] = [];
  const threshold: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const value: number[] = [];
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

  const build = (l: Leaf): number => histograms.build(l.start, l.end - l.start);
  const findSplit = (l: Leaf, hist: number, minus?: number): void => {
    l.split = histograms.findSplit(hist, minus, l.end - l.start, l.g, l.h);
    if (l.split) l.hist = hist;
    else histograms.release(hist);
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
    const idx = histograms.rows();
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
    const parentHist = l.hist as number;
    l.hist = undefined;
    const [small, large] = lc.end - lc.start <= rc.end - rc.start ? [lc, rc] : [rc, lc];
    const wantSmall = splittable(small);
    const wantLarge = splittable(large);
    const smallHist = wantSmall || wantLarge ? build(small) : undefined;
    // The larger child's histograms: the parent's minus the smaller one's, in place.
    if (smallHist !== undefined && wantLarge) findSplit(large, parentHist, smallHist);
    else histograms.release(parentHist);
    if (smallHist !== undefined && wantSmall) findSplit(small, smallHist);
    else if (smallHist !== undefined) histograms.release(smallHist);
    open.push(lc, rc);
    leaves++;
  }
  // Each row's leaf, from the partition: the node leafOf() finds for the row (bins and
  // thresholds agree exactly, see FeatureBinner), without walking the tree.
  const rowLeaf = feature.length < 65_536 ? new Uint16Array(nRows) : new Int32Array(nRows);
  const idx = histograms.rows();
  for (const l of [...open, ...done]) {
    value[l.node] = leafValue(l);
    if (l.hist !== undefined) histograms.release(l.hist);
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
