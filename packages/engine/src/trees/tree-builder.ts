import type { Rng } from '../random/rng.js';
import type { TreeArrays } from './decision-tree-model.js';
import type { FeatureBinner } from './feature-binner.js';
import { GiniSplit } from './gini-split.js';
import { GrowingTree } from './growing-tree.js';
import type { SplitSearch } from './split-search.js';
import { SquaredErrorSplit } from './squared-error-split.js';
import { WasmGiniSplit } from './wasm-gini-split.js';

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
 * DepthFirstTreeBuilder. Splits maximise the impurity decrease that the criterion's
 * SplitSearch finds over the bins.
 */
export function growTree(
  binned: Uint8Array,
  binner: FeatureBinner,
  nRows: number,
  nFeatures: number,
  y: Float64Array,
  nClasses: number,
  weight: Float64Array,
  growth: TreeGrowth,
  rng: Rng,
): TreeArrays {
  const classification = growth.criterion === 'gini';
  const width = classification ? nClasses : 1;
  const labels = classification ? Int32Array.from(y) : undefined;
  // Gini's search in WebAssembly where the fit's bins fit a wasm32 memory, else in JavaScript: the same trees.
  const search: SplitSearch = labels
    ? (WasmGiniSplit.over(binned, labels, weight, nRows, nFeatures, nClasses, growth.minSamplesLeaf) ??
      new GiniSplit(labels, weight, nClasses, growth.minSamplesLeaf))
    : new SquaredErrorSplit(y, weight, growth.minSamplesLeaf);
  // Rows taking part (weight > 0), partitioned in place as nodes split.
  let taking = 0;
  for (let r = 0; r < nRows; r++) if ((weight[r] as number) > 0) taking++;
  const idx = search.rows?.(taking) ?? new Int32Array(taking);
  for (let r = 0, k = 0; r < nRows; r++) if ((weight[r] as number) > 0) idx[k++] = r;
  const tree = new GrowingTree(width);
  // The right side's rows while a node is partitioned.
  const spill = new Int32Array(taking);
  const features = Int32Array.from({ length: nFeatures }, (_, i) => i);

  const stack: Work[] = [{ node: tree.addNode(), start: 0, end: idx.length, depth: 0 }];
  while (stack.length > 0) {
    const w = stack.pop() as Work;
    search.setNode(idx, w.start, w.end);
    search.writeLeaf(tree.value, w.node * width);
    const n = w.end - w.start;
    if (w.depth >= growth.maxDepth || n < growth.minSamplesSplit || n < 2 * growth.minSamplesLeaf || search.isPure()) {
      continue;
    }
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
      // Two at a time while at least two more are wanted: the one-at-a-time loop would
      // draw and search both too, in this order (whether the first is constant or not).
      if (search.searchTwo && evaluated + 2 <= growth.maxFeatures && j + 1 < nFeatures) {
        j++;
        const pick2 = j + rng.int(nFeatures - j);
        const f2 = features[pick2] as number;
        features[pick2] = features[j] as number;
        features[j] = f2;
        const [first, second] = search.searchTwo(binned, f * nRows, f2 * nRows, idx, w.start, w.end);
        if (first) {
          evaluated++;
          if (search.gain > bestGain) {
            bestGain = search.gain;
            bestFeature = f;
            bestBin = search.bin;
          }
        }
        if (second) {
          evaluated++;
          if ((search.gain2 as number) > bestGain) {
            bestGain = search.gain2 as number;
            bestFeature = f2;
            bestBin = search.bin2 as number;
          }
        }
        continue;
      }
      if (!search.searchFeature(binned, f * nRows, binner.nBins(f), idx, w.start, w.end)) continue;
      evaluated++;
      if (search.gain > bestGain) {
        bestGain = search.gain;
        bestFeature = f;
        bestBin = search.bin;
      }
    }
    if (bestFeature < 0) continue;
    // Partition rows, bin ≤ bestBin to the left, keeping their order: every node's rows
    // then stay in ascending row order, and its searches read each feature's column of
    // bins front to back, where a swapping partition scattered them (deep nodes' few rows,
    // each read a cache miss: Fashion-MNIST's forest, one thread, 10.3-11.4 s → 6.8-7.7).
    // With integer weights (bootstrap counts) every sum is exact in any order: the same
    // trees; fractional weights now sum in row order.
    const col = bestFeature * nRows;
    let i = w.start;
    let nr = 0;
    let rightBin = 255;
    for (let k = w.start; k < w.end; k++) {
      const rr = idx[k] as number;
      const b = binned[col + rr] as number;
      if (b <= bestBin) idx[i++] = rr;
      else {
        if (b < rightBin) rightBin = b;
        spill[nr++] = rr;
      }
    }
    idx.set(spill.subarray(0, nr), i);
    const l = tree.addNode();
    const r = tree.addNode();
    tree.setSplit(w.node, bestFeature, binner.splitThreshold(bestFeature, bestBin, rightBin), l, r);
    // Right first so the left subtree is grown (and numbered) first.
    stack.push({ node: r, start: i, end: w.end, depth: w.depth + 1 });
    stack.push({ node: l, start: w.start, end: i, depth: w.depth + 1 });
  }
  return tree.toArrays();
}
