import os from 'node:os';
import { MessageChannel, type MessagePort, receiveMessageOnPort, type Worker } from 'node:worker_threads';
import { siblingModule, startModuleWorker } from '../threads/module-worker.js';
import type { TreeArrays } from './decision-tree-model.js';
import { binnerOf, growJobTree, type TreeJob } from './tree-job.js';
import type { TreeWorkerJob } from './tree-worker.js';

/**
 * Below this many (row × tree) visits, threads cost more than they save: starting a
 * worker takes a few tenths of a second (measured: 3,680 rows × 100 trees grew in
 * 0.35 s on one thread, 0.49 s when two had to start), handing work to a running one
 * almost nothing (0.21 s).
 */
const MIN_PARALLEL_WORK_COLD = 1_000_000;
const MIN_PARALLEL_WORK_WARM = 20_000;

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
  const minWork = pool.length >= nWorkers ? MIN_PARALLEL_WORK_WARM : MIN_PARALLEL_WORK_COLD;
  if (nWorkers <= 0 || job.nRows * n < minWork) {
    const binner = binnerOf(job);
    for (let t = 0; t < n; t++) {
      opts.signal?.throwIfAborted();
      accept(t, growJobTree(job, t, binner));
    }
    // Worth threads once they run: start them now, for the ensembles that follow
    // (cross-validation, a search), rather than make this one wait for them.
    if (nWorkers > 0 && job.nRows * n >= MIN_PARALLEL_WORK_WARM && pool.length < nWorkers) {
      pooledWorkers(nWorkers);
      releasePool();
    }
    return { trees: trees as TreeArrays[], grownByWorkers: 0 };
  }

  const binned = new Uint8Array(new SharedArrayBuffer(job.binned.length));
  binned.set(job.binned);
  const shared: TreeJob = { ...job, binned };
  // [next tree to take, trees posted by workers, worker failures]
  const counters = new Int32Array(new SharedArrayBuffer(12));
  const ports: MessagePort[] = [];
  for (const worker of pooledWorkers(nWorkers)) {
    const { port1, port2 } = new MessageChannel();
    ports.push(port1);
    const work: TreeWorkerJob = { job: shared, port: port2, counters };
    worker.postMessage(work, [port2]);
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
    // Workers still growing see no tree left; what they post to a closed port is dropped.
    Atomics.store(counters, 0, n);
    for (const port of ports) port.close();
    releasePool();
  }
  return { trees: trees as TreeArrays[], grownByWorkers: n - here };
}

/**
 * Tree workers kept between ensembles: starting one (a thread, the engine's modules
 * loaded again) costs about as much as growing a small forest, and cross-validation or
 * a model search grows many. They hold nothing between jobs, never keep the process
 * alive, and end after IDLE_MS without work.
 */
const pool: Worker[] = [];
const ready = new WeakMap<Worker, Promise<void>>();
const IDLE_MS = 30_000;
let idleTimer: NodeJS.Timeout | undefined;

function pooledWorkers(count: number): Worker[] {
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = undefined;
  while (pool.length < count) {
    const worker = startModuleWorker(siblingModule(import.meta.url, 'tree-worker'), undefined);
    // A worker that fails leaves its trees to the calling thread (growTrees waits, then grows them itself).
    worker.on('error', () => {});
    worker.on('exit', () => {
      const at = pool.indexOf(worker);
      if (at >= 0) pool.splice(at, 1);
    });
    ready.set(worker, new Promise((resolve) => worker.once('message', () => resolve())));
    worker.unref();
    pool.push(worker);
  }
  return pool.slice(0, count);
}

/** Starts `count` tree workers (if not running) and resolves once they take work. */
export async function treeWorkersReady(count: number): Promise<void> {
  await Promise.all(pooledWorkers(count).map((w) => ready.get(w)));
  releasePool();
}

function releasePool(): void {
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = setTimeout(() => {
    for (const worker of pool.splice(0)) void worker.terminate();
  }, IDLE_MS);
  idleTimer.unref();
}
