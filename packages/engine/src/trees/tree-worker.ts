/**
 * A worker thread growing trees: it stays up between ensembles (parallel-tree-growth.ts
 * keeps a pool) and, for each job posted to it, takes tree indices from the job's shared
 * counter until none are left, posting each tree back on the job's port.
 */
import { type MessagePort, parentPort } from 'node:worker_threads';
import type { TreeJob } from './tree-job.js';
import { binnerOf, growJobTree } from './tree-job.js';

export interface TreeWorkerJob {
  job: TreeJob;
  port: MessagePort;
  /** [next tree, trees posted, failures] */
  counters: Int32Array;
}

function grow({ job, port, counters }: TreeWorkerJob): void {
  const n = job.seeds.length;
  try {
    const binner = binnerOf(job);
    for (let t = Atomics.add(counters, 0, 1); t < n; t = Atomics.add(counters, 0, 1)) {
      const tree = growJobTree(job, t, binner);
      const buffers = new Set([tree.feature, tree.threshold, tree.left, tree.right, tree.value].map((a) => a.buffer));
      port.postMessage({ t, tree }, [...buffers] as ArrayBuffer[]);
      Atomics.add(counters, 1, 1);
      Atomics.notify(counters, 1);
    }
  } catch (err) {
    port.postMessage({ error: err instanceof Error ? err.message : String(err) });
    Atomics.add(counters, 2, 1);
    Atomics.notify(counters, 1);
  }
  port.close();
}

parentPort?.on('message', (msg: TreeWorkerJob) => grow(msg));
// Loaded and listening: the pool's treeWorkersReady resolves on this.
parentPort?.postMessage('ready');
