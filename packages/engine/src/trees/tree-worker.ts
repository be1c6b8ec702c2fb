/**
 * A worker thread growing trees of one ensemble: it takes tree indices from a shared
 * counter until none are left and posts each tree back on its port (see
 * parallel-tree-growth.ts for the protocol).
 */
import { type MessagePort, workerData } from 'node:worker_threads';
import type { TreeJob } from './tree-job.js';
import { binnerOf, growJobTree } from './tree-job.js';

interface TreeWorkerData {
  job: TreeJob;
  port: MessagePort;
  /** [next tree, trees posted, failures] */
  counters: Int32Array;
}

const { job, port, counters } = workerData as TreeWorkerData;
const binner = binnerOf(job);
const n = job.seeds.length;
try {
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
