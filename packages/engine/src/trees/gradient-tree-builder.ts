import type { TreeArrays } from './decision-tree-model.js';
import type { FeatureBinner } from './feature-binner.js';

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
  split?: { feature: number; bin: number; gain: number };
}

/**
 * Grows one regression tree on gradients and hessians, best-first (largest gain first)
 * up to `maxLeafNodes` leaves, as LightGBM and scikit-learn's HistGradientBoosting do:
 * a split's gain is G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ), a leaf's value −G/(H+λ).
 */
export function growGradientTree(
  binned: Uint8Array,
  binner: FeatureBinner,
  nRows: number,
  nFeatures: number,
  grad: Float64Array,
  hess: Float64Array,
  growth: GradientTreeGrowth,
): TreeArrays {
  const idx = Int32Array.from({ length: nRows }, (_, i) => i);
  const feature: number[] = [];
  const threshold: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const value: number[] = [];
  const histG = new Float64Array(256);
  const histH = new Float64Array(256);
  const histN = new Int32Array(256);
  const addNode = (): number => {
    feature.push(-1);
    threshold.push(0);
    left.push(-1);
    right.push(-1);
    value.push(0);
    return feature.length - 1;
  };
  const leafValue = (l: Leaf) => (-growth.learningRate * l.g) / (l.h + growth.l2);

  const findSplit = (l: Leaf): void => {
    const n = l.end - l.start;
    if (l.depth >= growth.maxDepth || n < 2 * growth.minSamplesLeaf || l.h < growth.minHessianToSplit) return;
    const parent = (l.g * l.g) / (l.h + growth.l2);
    let best: Leaf['split'];
    for (let f = 0; f < nFeatures; f++) {
      const nb = binner.nBins(f);
      histG.fill(0, 0, nb);
      histH.fill(0, 0, nb);
      histN.fill(0, 0, nb);
      const col = f * nRows;
      for (let i = l.start; i < l.end; i++) {
        const r = idx[i] as number;
        const b = binned[col + r] as number;
        histG[b] = (histG[b] as number) + (grad[r] as number);
        histH[b] = (histH[b] as number) + (hess[r] as number);
        histN[b] = (histN[b] as number) + 1;
      }
      let gl = 0;
      let hl = 0;
      let nl = 0;
      for (let b = 0; b < nb - 1; b++) {
        gl += histG[b] as number;
        hl += histH[b] as number;
        nl += histN[b] as number;
        if (histN[b] === 0) continue;
        const nr = n - nl;
        if (nl < growth.minSamplesLeaf || nr < growth.minSamplesLeaf) continue;
        if (nr === 0) break;
        const hr = l.h - hl;
        if (hl < growth.minHessianToSplit || hr < growth.minHessianToSplit) continue;
        const gr = l.g - gl;
        const gain = (gl * gl) / (hl + growth.l2) + (gr * gr) / (hr + growth.l2) - parent;
        if (gain > 1e-12 && (!best || gain > best.gain)) best = { feature: f, bin: b, gain };
      }
    }
    l.split = best;
  };

  const rootG = grad.reduce((a, b) => a + b, 0);
  const rootH = hess.reduce((a, b) => a + b, 0);
  const root: Leaf = { node: addNode(), start: 0, end: nRows, depth: 0, g: rootG, h: rootH };
  findSplit(root);
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
    findSplit(lc);
    findSplit(rc);
    open.push(lc, rc);
    leaves++;
  }
  for (const l of [...open, ...done]) value[l.node] = leafValue(l);
  return {
    feature: Int32Array.from(feature),
    threshold: Float64Array.from(threshold),
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    value: Float64Array.from(value),
    width: 1,
  };
}
