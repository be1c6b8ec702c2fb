import { Rng } from '../random/rng.js';
import type { TreeArrays } from './decision-tree-model.js';
import { FeatureBinner } from './feature-binner.js';
import { growTree, type TreeGrowth } from './tree-builder.js';

/**
 * Everything needed to grow tree t of an ensemble, as plain data so that a worker thread
 * can grow it too: the binned features, the target, the growth rules, and one seed per
 * tree. A tree depends only on its own seed, so the ensemble is the same whichever thread
 * grows which tree.
 */
export interface TreeJob {
  /** Column-major bins, [nFeatures × nRows] (a SharedArrayBuffer when shared with workers). */
  binned: Uint8Array;
  thresholds: Float64Array[];
  lows: Float64Array[];
  highs: Float64Array[];
  maxBins: number;
  nRows: number;
  nFeatures: number;
  y: Float64Array;
  nClasses: number;
  growth: TreeGrowth;
  /** Each tree sees a bootstrap sample (row counts drawn with replacement) or every row once. */
  bootstrap: boolean;
  /** seeds[t] seeds tree t's generator. */
  seeds: Uint32Array;
  /** Row weights (class weights): they multiply the bootstrap counts, as in scikit-learn. */
  sampleWeight?: Float64Array;
}

/** Row weights of a bootstrap sample: how many times each row was drawn in nRows draws. */
export function bootstrapWeights(nRows: number, rng: Rng): Float64Array {
  const w = new Float64Array(nRows);
  for (let i = 0; i < nRows; i++) {
    const r = rng.int(nRows);
    w[r] = (w[r] as number) + 1;
  }
  return w;
}

/** Grows tree t of the job (in whichever thread calls it). */
export function growJobTree(job: TreeJob, t: number, binner?: FeatureBinner): TreeArrays {
  const rng = new Rng(job.seeds[t] as number);
  const weights = job.bootstrap ? bootstrapWeights(job.nRows, rng) : new Float64Array(job.nRows).fill(1);
  const sw = job.sampleWeight;
  if (sw) for (let r = 0; r < job.nRows; r++) weights[r] = (weights[r] as number) * (sw[r] as number);
  const b = binner ?? binnerOf(job);
  return growTree(job.binned, b, job.nRows, job.nFeatures, job.y, job.nClasses, weights, job.growth, rng);
}

const binners = new WeakMap<TreeJob, FeatureBinner>();

/** Tree t of the job, as a pooled worker thread runs it (the job's binner built once per job). */
export function growTreeTask(job: TreeJob, t: number): TreeArrays {
  let binner = binners.get(job);
  if (!binner) {
    binner = binnerOf(job);
    binners.set(job, binner);
  }
  return growJobTree(job, t, binner);
}

export function binnerOf(job: TreeJob): FeatureBinner {
  const b = new FeatureBinner(job.maxBins);
  b.thresholds = job.thresholds;
  b.lows = job.lows;
  b.highs = job.highs;
  return b;
}
