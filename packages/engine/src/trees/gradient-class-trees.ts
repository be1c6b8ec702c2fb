import { type GradientHistograms, gradientHistograms } from './gradient-histograms.js';
import { type GradientTreeGrowth, type GrownTree, growGradientTree } from './gradient-tree-builder.js';

/**
 * One boosting iteration of a multiclass fit: a tree per class, each on its class's
 * gradients and hessians, independent of the others. Plain data, so that worker threads
 * grow some of them (threads/task-pool.ts); a class's tree depends only on its inputs,
 * so the model is the same whichever thread grows which.
 */
export interface GradientClassTrees {
  /** Column-major bins, [features × rows]. */
  binned: Uint8Array;
  thresholds: Float64Array[];
  nRows: number;
  nFeatures: number;
  /** [classes × rows], rewritten before each iteration. */
  grad: Float64Array;
  hess: Float64Array;
  growth: GradientTreeGrowth;
  /** The fit's (histogramKey()): a thread keeps its copy of the bins while it stays the same. */
  key: number;
}

export function growClassTree(job: GradientClassTrees, c: number): GrownTree {
  const n = job.nRows;
  return growGradientTree(
    histogramsOf(job),
    job.binned,
    job,
    n,
    job.grad.subarray(c * n, (c + 1) * n),
    job.hess.subarray(c * n, (c + 1) * n),
    job.growth,
  );
}

function histogramsOf(job: GradientClassTrees): GradientHistograms {
  const { thresholds, nFeatures } = job;
  const offsets = new Int32Array(nFeatures + 1);
  for (let f = 0; f < nFeatures; f++) {
    offsets[f + 1] = (offsets[f] as number) + (thresholds[f] as Float64Array).length + 1;
  }
  return gradientHistograms({
    binned: job.binned,
    nRows: job.nRows,
    nFeatures,
    offsets,
    rules: job.growth,
    key: job.key,
  });
}
