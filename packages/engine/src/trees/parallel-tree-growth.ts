import { siblingModule } from '../threads/module-worker.js';
import { runTasks, shared } from '../threads/task-pool.js';
import type { TreeArrays } from './decision-tree-model.js';
import { binnerOf, growJobTree, type TreeJob } from './tree-job.js';

/** Rough time to visit one row for one tree on one thread (3,680 rows × 100 trees: 0.35 s). */
const MS_PER_ROW_TREE = 0.001;

/**
 * Grows every tree of the job on `threads` threads (the calling one and pooled workers,
 * threads/task-pool.ts). Trees depend only on their seeds, so the result does not depend
 * on the thread count.
 */
export function growTrees(
  job: TreeJob,
  threads: number,
  opts: { signal?: AbortSignal; onTree?: (grown: number) => void } = {},
): { trees: TreeArrays[]; grownByWorkers: number } {
  const n = job.seeds.length;
  const estimateMs = job.nRows * n * MS_PER_ROW_TREE;
  // Workers read the bins from shared memory; the calling thread uses them as they are.
  const input: TreeJob = threads > 1 && n > 1 ? { ...job, binned: shared(job.binned) } : job;
  const binner = binnerOf(job);
  const { results, ranOnWorkers } = runTasks(
    {
      module: siblingModule(import.meta.url, 'tree-job'),
      exportName: 'growTreeTask',
      input,
      count: n,
      runHere: (t) => growJobTree(job, t, binner),
    },
    threads,
    { estimateMs, signal: opts.signal, onResult: opts.onTree },
  );
  return { trees: results, grownByWorkers: ranOnWorkers };
}
