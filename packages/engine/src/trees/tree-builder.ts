import type { Rng } from '../random/rng.js';
import type { TreeArrays } from './decision-tree-model.js';
import type { FeatureBinner } from './feature-binner.js';

export interface TreeGrowth {
  /** 'gini' for classification (K classes), 'squared_error' for regression. */
  criterion: 'gini' | 'squared_error';
  maxDepth: number;
  minSamplesSplit: number;
  minSamplesLeaf: number;
  /** Features evaluated per split (non-constant ones count, as in scikit-learn). */
  maxFeatures: number;
}

interface Work {
  node: number;
  start: number;
  end: number;
  depth: number;
}

/**
 * Grows one CART tree on binned features (column-major Uint8Array [d × n]) with per-row
 * weights (bootstrap counts or 1). Best-first by nothing: depth-first, as scikit-learn's
 * DepthFirstTreeBuilder. Splits maximise the impurity decrease found from bin histograms.
 */
export function growTree(
  binned: Uint8Array,
  binner: FeatureBinner,
  nRows: number,
  nFeatures: number,
  y: ArrayLike<number>,
  nClasses: number,
  weight: Float64Array,
  growth: TreeGrowth,
  rng: Rng,
): TreeArrays {
  const classification = growth.criterion === 'gini';
  const width = classification ? nClasses : 1;
  // Rows taking part (weight > 0), partitioned in place as nodes split.
  const rows: number[] = [];
  for (let r = 0; r < nRows; r++) if ((weight[r] as number) > 0) rows.push(r);
  const idx = Int32Array.from(rows);
  const feature: number[] = [];
  const threshold: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const value: number[] = [];

  const maxBins = 256;
  const stats = classification ? nClasses : 3; // gini: class weights; mse: w, wy, wy²
  const hist = new Float64Array(maxBins * stats);
  const histCount = new Int32Array(maxBins);
  const total = new Float64Array(stats);
  const leftAcc = new Float64Array(stats);
  const features = Int32Array.from({ length: nFeatures }, (_, i) => i);

  const addNode = (): number => {
    feature.push(-1);
    threshold.push(0);
    left.push(-1);
    right.push(-1);
    for (let k = 0; k < width; k++) value.push(0);
    return feature.length - 1;
  };

  const stack: Work[] = [{ node: addNode(), start: 0, end: idx.length, depth: 0 }];
  while (stack.length > 0) {
    const w = stack.pop() as Work;
    // Node totals.
    total.fill(0);
    for (let i = w.start; i < w.end; i++) accumulate(total, idx[i] as number);
    setLeafValue(w.node);
    const n = w.end - w.start;
    if (w.depth >= growth.maxDepth || n < growth.minSamplesSplit || n < 2 * growth.minSamplesLeaf || isPure()) continue;

    const parentScore = score(total);
    // As scikit-learn, a split that does not lower the impurity is still taken (XOR-like structure
    // only shows deeper); a pure node is never split.
    let bestGain = Number.NEGATIVE_INFINITY;
    let bestFeature = -1;
    let bestBin = -1;
    let evaluated = 0;
    // Partial Fisher–Yates: features drawn without replacement until enough non-constant ones.
    for (let j = 0; j < nFeatures && evaluated < growth.maxFeatures; j++) {
      const pick = j + rng.int(nFeatures - j);
      const f = features[pick] as number;
      features[pick] = features[j] as number;
      features[j] = f;
      const nb = binner.nBins(f);
      hist.fill(0, 0, nb * stats);
      histCount.fill(0, 0, nb);
      const col = f * nRows;
      let minBin = 255;
      let maxBin = 0;
      for (let i = w.start; i < w.end; i++) {
        const r = idx[i] as number;
        const b = binned[col + r] as number;
        if (b < minBin) minBin = b;
        if (b > maxBin) maxBin = b;
        histCount[b] = (histCount[b] as number) + 1;
        const wr = weight[r] as number;
        if (classification) {
          const o = b * stats + (y[r] as number);
          hist[o] = (hist[o] as number) + wr;
        } else {
          const yr = y[r] as number;
          const o = b * 3;
          hist[o] = (hist[o] as number) + wr;
          hist[o + 1] = (hist[o + 1] as number) + wr * yr;
          hist[o + 2] = (hist[o + 2] as number) + wr * yr * yr;
        }
      }
      if (minBin === maxBin) continue; // constant in this node
      evaluated++;
      leftAcc.fill(0);
      let leftCount = 0;
      for (let b = minBin; b < maxBin; b++) {
        for (let s = 0; s < stats; s++) leftAcc[s] = (leftAcc[s] as number) + (hist[b * stats + s] as number);
        leftCount += histCount[b] as number;
        if (histCount[b] === 0) continue;
        const rightCount = n - leftCount;
        if (leftCount < growth.minSamplesLeaf || rightCount < growth.minSamplesLeaf) continue;
        const gain = splitScore() - parentScore;
        if (gain > bestGain) {
          bestGain = gain;
          bestFeature = f;
          bestBin = b;
        }
      }
    }
    if (bestFeature < 0) continue;
    // Partition rows: bin ≤ bestBin to the left.
    const col = bestFeature * nRows;
    let i = w.start;
    let j = w.end - 1;
    let rightBin = 255;
    while (i <= j) {
      const b = binned[col + (idx[i] as number)] as number;
      if (b <= bestBin) i++;
      else {
        if (b < rightBin) rightBin = b;
        const t = idx[i] as number;
        idx[i] = idx[j] as number;
        idx[j] = t;
        j--;
      }
    }
    feature[w.node] = bestFeature;
    threshold[w.node] = binner.splitThreshold(bestFeature, bestBin, rightBin);
    const l = addNode();
    const r = addNode();
    left[w.node] = l;
    right[w.node] = r;
    // Right first so the left subtree is grown (and numbered) first.
    stack.push({ node: r, start: i, end: w.end, depth: w.depth + 1 });
    stack.push({ node: l, start: w.start, end: i, depth: w.depth + 1 });
  }
  return {
    feature: Int32Array.from(feature),
    threshold: Float64Array.from(threshold),
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    value: Float64Array.from(value),
    width,
  };

  function accumulate(acc: Float64Array, r: number): void {
    const wr = weight[r] as number;
    if (classification) {
      const c = y[r] as number;
      acc[c] = (acc[c] as number) + wr;
    } else {
      const yr = y[r] as number;
      acc[0] = (acc[0] as number) + wr;
      acc[1] = (acc[1] as number) + wr * yr;
      acc[2] = (acc[2] as number) + wr * yr * yr;
    }
  }

  function setLeafValue(node: number): void {
    if (classification) {
      let sum = 0;
      for (let c = 0; c < nClasses; c++) sum += total[c] as number;
      for (let c = 0; c < nClasses; c++) value[node * width + c] = sum > 0 ? (total[c] as number) / sum : 0;
    } else value[node] = (total[1] as number) / (total[0] as number);
  }

  function isPure(): boolean {
    if (classification) {
      let nonzero = 0;
      for (let c = 0; c < nClasses; c++) if ((total[c] as number) > 0) nonzero++;
      return nonzero <= 1;
    }
    const wsum = total[0] as number;
    const variance = (total[2] as number) / wsum - ((total[1] as number) / wsum) ** 2;
    return variance <= 1e-14 * Math.max(1, Math.abs((total[1] as number) / wsum));
  }

  /**
   * A proxy of −(weighted impurity) for a node with these sums, larger is better:
   * gini: Σ_c w_c² / W; squared error: (Σ w y)² / W. A split's gain is the children's
   * proxies minus the parent's.
   */
  function score(acc: Float64Array): number {
    if (classification) {
      let wsum = 0;
      let sq = 0;
      for (let c = 0; c < nClasses; c++) {
        const v = acc[c] as number;
        wsum += v;
        sq += v * v;
      }
      return wsum > 0 ? sq / wsum : 0;
    }
    return (acc[0] as number) > 0 ? (acc[1] as number) ** 2 / (acc[0] as number) : 0;
  }

  function splitScore(): number {
    let s = score(leftAcc);
    // right = total − left
    if (classification) {
      let wsum = 0;
      let sq = 0;
      for (let c = 0; c < nClasses; c++) {
        const v = (total[c] as number) - (leftAcc[c] as number);
        wsum += v;
        sq += v * v;
      }
      s += wsum > 0 ? sq / wsum : 0;
    } else {
      const w0 = (total[0] as number) - (leftAcc[0] as number);
      const w1 = (total[1] as number) - (leftAcc[1] as number);
      s += w0 > 0 ? (w1 * w1) / w0 : 0;
    }
    return s;
  }
}
