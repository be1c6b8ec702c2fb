import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Rng } from '../random/rng.js';
import {
  ArrayHistograms,
  type GradientHistograms,
  type HistogramInputs,
  histogramKey,
  WasmHistograms,
} from './gradient-histograms.js';
import { growGradientTree } from './gradient-tree-builder.js';

/** Bins of 1 to 40 per feature (some never used), 7 features: a partial group of four. */
function inputsOf(
  seed: number,
  nRows: number,
  nFeatures: number,
): HistogramInputs & { grad: Float64Array; hess: Float64Array } {
  const rng = new Rng(seed);
  const offsets = new Int32Array(nFeatures + 1);
  for (let f = 0; f < nFeatures; f++) offsets[f + 1] = (offsets[f] as number) + 1 + rng.int(40);
  const binned = new Uint8Array(nFeatures * nRows);
  for (let f = 0; f < nFeatures; f++) {
    const nb = (offsets[f + 1] as number) - (offsets[f] as number);
    // Skewed towards low bins, so that runs of one bin and empty bins both occur.
    for (let r = 0; r < nRows; r++) binned[f * nRows + r] = Math.min(nb - 1, Math.floor(nb * rng.next() ** 2));
  }
  const grad = Float64Array.from({ length: nRows }, () => rng.normal());
  const hess = Float64Array.from({ length: nRows }, () => 0.05 + rng.next());
  const rules = { minSamplesLeaf: 5, minHessianToSplit: 1e-3, l2: 0.5 };
  return { binned, nRows, nFeatures, offsets, rules, key: histogramKey(), grad, hess };
}

/** The best split by its definition: every feature and bin, the rows' sums recounted each time. */
function bruteForce(inputs: ReturnType<typeof inputsOf>, rows: Int32Array) {
  const { binned, nRows, nFeatures, offsets, rules, grad, hess } = inputs;
  let g = 0;
  let h = 0;
  for (const r of rows) {
    g += grad[r] as number;
    h += hess[r] as number;
  }
  const parent = (g * g) / (h + rules.l2);
  let best: { feature: number; bin: number; gain: number } | undefined;
  for (let f = 0; f < nFeatures; f++) {
    const nb = (offsets[f + 1] as number) - (offsets[f] as number);
    for (let b = 0; b < nb - 1; b++) {
      let gl = 0;
      let hl = 0;
      let nl = 0;
      let atBin = 0;
      for (const r of rows) {
        const rb = binned[f * nRows + r] as number;
        if (rb === b) atBin++;
        if (rb <= b) {
          gl += grad[r] as number;
          hl += hess[r] as number;
          nl++;
        }
      }
      const nr = rows.length - nl;
      if (atBin === 0 || nl < rules.minSamplesLeaf || nr < rules.minSamplesLeaf) continue;
      if (hl < rules.minHessianToSplit || h - hl < rules.minHessianToSplit) continue;
      const gain = (gl * gl) / (hl + rules.l2) + ((g - gl) * (g - gl)) / (h - hl + rules.l2) - parent;
      if (gain > 1e-12 && (!best || gain > best.gain + 1e-9)) best = { feature: f, bin: b, gain };
    }
  }
  return { best, g, h };
}

describe('gradient histograms (WebAssembly and JavaScript)', () => {
  for (const [seed, nRows, nFeatures] of [
    [1, 400, 7],
    [2, 1000, 12],
    [3, 64, 3],
  ] as const) {
    test(`${nRows} rows × ${nFeatures} features: the best split of a leaf and of its larger child, by definition and by both`, () => {
      const inputs = inputsOf(seed, nRows, nFeatures);
      const kinds: GradientHistograms[] = [new WasmHistograms(inputs), new ArrayHistograms(inputs)];
      const found = kinds.map((hs) => {
        hs.startTree(inputs.grad, inputs.hess);
        const all = Int32Array.from(hs.rows());
        const root = bruteForce(inputs, all);
        const rootHist = hs.build(0, nRows);
        const split = hs.findSplit(rootHist, undefined, nRows, root.g, root.h);
        assert.ok(split && root.best, 'the root splits');
        assert.deepEqual([split.feature, split.bin], [root.best.feature, root.best.bin]);
        assert.ok(Math.abs(split.gain - root.best.gain) <= 1e-9 * Math.abs(root.best.gain));
        // Partition on it, then the smaller side's histograms built and the larger's by subtraction.
        const rows = hs.rows();
        const left = all.filter((r) => (inputs.binned[split.feature * nRows + r] as number) <= split.bin);
        const right = all.filter((r) => (inputs.binned[split.feature * nRows + r] as number) > split.bin);
        rows.set(left, 0);
        rows.set(right, left.length);
        const [small, large, smallAt] = left.length <= right.length ? [left, right, 0] : [right, left, left.length];
        const smallHist = hs.build(smallAt, small.length);
        const want = bruteForce(inputs, large);
        const child = hs.findSplit(rootHist, smallHist, large.length, want.g, want.h);
        assert.deepEqual(child && [child.feature, child.bin], want.best && [want.best.feature, want.best.bin]);
        hs.release(smallHist);
        hs.release(rootHist);
        return [split, child];
      });
      assert.deepEqual(found[0], found[1], 'the same splits and gains, bit for bit');
    });
  }

  test('a leaf no split can serve (fewer than twice minSamplesLeaf rows) has none', () => {
    const inputs = inputsOf(4, 9, 5);
    for (const hs of [new WasmHistograms(inputs), new ArrayHistograms(inputs)]) {
      hs.startTree(inputs.grad, inputs.hess);
      const hist = hs.build(0, 9);
      assert.equal(hs.findSplit(hist, undefined, 9, 0.3, 4), undefined);
    }
  });

  test('growGradientTree: the same tree and row leaves either way, over many histograms taken and given back', () => {
    const inputs = inputsOf(5, 3000, 9);
    const growth = {
      maxLeafNodes: 31,
      maxDepth: 12,
      minSamplesLeaf: 5,
      l2: 0.5,
      minHessianToSplit: 1e-3,
      learningRate: 0.1,
    };
    const thresholds = Array.from({ length: inputs.nFeatures }, (_, f) =>
      Float64Array.from(
        { length: (inputs.offsets[f + 1] as number) - (inputs.offsets[f] as number) - 1 },
        (_, b) => b + 0.5,
      ),
    );
    const grown = [new WasmHistograms(inputs), new ArrayHistograms(inputs)].map((hs) =>
      [1, 2].map(() =>
        growGradientTree(hs, inputs.binned, { thresholds }, inputs.nRows, inputs.grad, inputs.hess, growth),
      ),
    );
    assert.equal(grown[0]?.[0]?.tree.feature.filter((f) => f < 0).length, 31, 'grown to 31 leaves');
    assert.deepEqual(grown[0], grown[1]);
    assert.deepEqual(grown[0]?.[0], grown[0]?.[1], 'a second tree on reused histograms is the same');
  });
});
