import os from 'node:os';
import { MessageChannel, type MessagePort, receiveMessageOnPort, type Worker } from 'node:worker_threads';
import { siblingModule, startModuleWorker } from '../threads/module-worker.js';
import type { TreeArrays } from './decision-tree-model.js';
import { binnerOf, growJobTree, type TreeJob } from './tree-job.js';

/** Below this many (row × tree) visits, starting threads costs more than it saves. */
const MIN_PARALLEL_WORK = 200_000;

/** Threads to use for `nJobs`: 0 means one per core. */
export function threadCount(nJobs: number): number {
  return nJobs > 0 ? nJobs : os.availableParallelism();
}

/**
 * Grows every tree of the job on `threads` threads: this one and threads − 1 workers,
 * all taking tree indices from one shared counter. The call stays synchronous, as `fit`
 * is: this thread grows trees too, then waits on the counters (Atomics.wait) and reads
 * the workers' trees off their ports with receiveMessageOnPort. Trees depend only on
 * their seeds, so the result does not depend on the thread count. A tree a worker took
 * but never delivered (a worker that could not start or died) is grown here after a
 * while, so the fit cannot hang.
 */
export function growTrees(
  job: TreeJob,
  threads: number,
  opts: { signal?: AbortSignal; onTree?: (grown: number) => void } = {},
): { trees: TreeArrays[]; grownByWorkers: number } {
  const n = job.seeds.length;
  const trees: Array<TreeArrays | undefined> = new Array(n);
  let grown = 0;
  const accept = (t: number, tree: TreeArrays) => {
    if (trees[t]) return;
    trees[t] = tree;
    opts.onTree?.(++grown);
  };
  const nWorkers = Math.min(threads - 1, n - 1);
  if (nWorkers <= 0 || job.nRows * n < MIN_PARALLEL_WORK) {
    const binner = binnerOf(job);
    for (let t = 0; t < n; t++) {
      opts.signal?.throwIfAborted();
      accept(t, growJobTree(job, t, binner));
    }
    return { trees: trees as TreeArrays[], grownByWorkers: 0 };
  }

  const binned = new Uint8Array(new SharedArrayBuffer(job.binned.length));
  binned.set(job.binned);
  const shared: TreeJob = { ...job, binned };
  // [next tree to take, trees posted by workers, worker failures]
  const counters = new Int32Array(new SharedArrayBuffer(12));
  const ports: MessagePort[] = [];
  const workers: Worker[] = [];
  for (let w = 0; w < nWorkers; w++) {
    const { port1, port2 } = new MessageChannel();
    ports.push(port1);
    const worker = startWorker({ job: shared, port: port2, counters }, [port2]);
    // A worker that fails leaves its trees to this thread (below); its error must not crash the process.
    worker.on('error', () => {});
    worker.unref();
    workers.push(worker);
  }
  const drain = () => {
    for (const port of ports) {
      for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) {
        const msg = m.message as { t: number; tree: TreeArrays } | { error: string };
        if ('error' in msg) throw new Error(`a tree worker failed: ${msg.error}`);
        accept(msg.t, msg.tree);
      }
    }
  };
  const binner = binnerOf(shared);
  let here = 0;
  try {
    const started = performance.now();
    for (let t = Atomics.add(counters, 0, 1); t < n; t = Atomics.add(counters, 0, 1)) {
      opts.signal?.throwIfAborted();
      accept(t, growJobTree(shared, t, binner));
      here++;
      drain();
    }
    const perTree = (performance.now() - started) / Math.max(1, here);
    while (grown < n) {
      opts.signal?.throwIfAborted();
      const posted = Atomics.load(counters, 1);
      const before = grown;
      drain();
      if (grown < n && grown === before) {
        // Wait for a worker's tree; if none comes for a good while, grow the oldest missing tree here.
        const result = Atomics.wait(counters, 1, posted, Math.max(2000, 20 * perTree));
        drain();
        if (result === 'timed-out' && grown === before) {
          const missing = trees.indexOf(undefined);
          accept(missing, growJobTree(shared, missing, binner));
          here++;
        }
      }
    }
  } finally {
    Atomics.store(counters, 0, n);
    for (const port of ports) port.close();
    for (const worker of workers) void worker.terminate();
  }
  return { trees: trees as TreeArrays[], grownByWorkers: n - here };
}

function startWorker(workerData: unknown, transferList: MessagePort[]): Worker {
  return startModuleWorker(siblingModule(import.meta.url, 'tree-worker'), workerData, transferList);
}
