import os from 'node:os';
import { MessageChannel, type MessagePort, type Worker } from 'node:worker_threads';
import { type FeatureMatrix, isCsr } from '../linalg/csr-matrix.js';
import { siblingModule, startModuleWorker } from './module-worker.js';
import { TaskResults } from './task-results.js';
import type { TaskWorkerJob, TaskWorkerPreload } from './task-worker.js';

/**
 * Independent tasks over one input, numbered 0 … count − 1: trees of a forest, starts of
 * k-means, pairs of a one-vs-one SVM. `module` exports `exportName(input, index)`, a
 * function of its arguments only, so the results do not depend on which thread ran what.
 */
export interface TaskSet<I, O> {
  module: URL;
  exportName: string;
  /** Sent to each worker (structured clone): put large arrays in SharedArrayBuffers (`shared`). */
  input: I;
  count: number;
  /** The same task on the calling thread (it may reuse state prepared for `input`). */
  runHere(index: number): O;
}

/** Threads to use for `nJobs`: 0 means one per core. */
export function threadCount(nJobs: number): number {
  return nJobs > 0 ? nJobs : os.availableParallelism();
}

/**
 * Starting a worker (a thread, the engine's modules loaded again) takes a few tenths of a
 * second: work estimated under COLD_MS runs on this thread while no worker is up (they
 * start for the fits that follow), work under WARM_MS always does. Measured with trees:
 * 3,680 rows × 100 trees grew in 0.35 s on one thread, 0.49 s when a worker had to start,
 * 0.21 s with a running one.
 */
export const COLD_MS = 1000;
export const WARM_MS = 20;

/**
 * Runs every task of `set` on up to `threads` threads: this one and pooled workers, all
 * taking indices from one shared counter. Synchronous, as `fit` is: this thread runs tasks
 * too, then waits on the counters (Atomics.wait) and reads the workers' results off their
 * ports. A task a worker took but never delivered (a worker that could not start or
 * died) is run here after a while, so the call cannot hang. `estimateMs` is the whole
 * set's time on one thread, roughly: small sets are not worth the hand-over. For sets run
 * again and again (an optimiser's objective), see TaskSession.
 */
export function runTasks<I, O>(
  set: TaskSet<I, O>,
  threads: number,
  opts: { estimateMs: number; signal?: AbortSignal; onResult?: (done: number, out: O) => void },
): { results: O[]; ranOnWorkers: number } {
  const n = set.count;
  const collected = new TaskResults<O>(n, opts.onResult);
  const nWorkers = Math.min(threads - 1, n - 1);
  const minMs = pool.length >= nWorkers ? WARM_MS : COLD_MS;
  if (nWorkers <= 0 || opts.estimateMs < minMs) {
    for (let t = 0; t < n; t++) {
      opts.signal?.throwIfAborted();
      collected.accept(t, set.runHere(t));
    }
    // Worth threads once they run: start them now for the fits that follow
    // (cross-validation, a search) rather than make this one wait for them.
    if (nWorkers > 0 && opts.estimateMs >= WARM_MS && pool.length < nWorkers) {
      pooledWorkers(nWorkers);
      releasePool();
    }
    return { results: collected.results as O[], ranOnWorkers: 0 };
  }

  // [next task to take, results posted by workers, worker failures]
  const counters = new Int32Array(new SharedArrayBuffer(12));
  const ports: MessagePort[] = [];
  for (const worker of pooledWorkers(nWorkers)) {
    const { port1, port2 } = new MessageChannel();
    ports.push(port1);
    const job: TaskWorkerJob = {
      module: set.module.href,
      exportName: set.exportName,
      input: set.input,
      count: n,
      port: port2,
      counters,
    };
    worker.postMessage(job, [port2]);
  }
  try {
    const take = () => {
      const t = Atomics.add(counters, 0, 1);
      return t < n ? t : -1;
    };
    const results = collected.complete(
      take,
      set.runHere,
      () => collected.drain(ports),
      { words: counters, at: 1 },
      // A task (a tree) may take far longer on a worker than the ones done here: wait long.
      (perTask) => Math.max(2000, 20 * perTask),
      opts.signal,
    );
    return { results, ranOnWorkers: collected.fromWorkers };
  } finally {
    // Workers still running see no task left; what they post to a closed port is dropped.
    Atomics.store(counters, 0, n);
    for (const port of ports) port.close();
    releasePool();
  }
}

/** Copies a typed array into shared memory, so that workers read it without a copy each. */
export function shared<T extends Float64Array | Int32Array | Uint8Array | Uint32Array>(a: T): T {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const Ctor = a.constructor as new (b: SharedArrayBuffer) => T;
  const out = new Ctor(new SharedArrayBuffer(a.byteLength));
  out.set(a as ArrayLike<number> & T);
  return out;
}

/** A dense or sparse matrix with its arrays copied into shared memory. */
export function sharedMatrix<M extends FeatureMatrix>(x: M): M {
  if (isCsr(x)) return { ...x, indptr: shared(x.indptr), indices: shared(x.indices), data: shared(x.data) };
  return { ...x, data: shared(x.data) };
}

/**
 * Workers kept between fits: cross-validation or a model search fits many. They hold
 * nothing between jobs, never keep the process alive, and end after IDLE_MS without work.
 */
const pool: Worker[] = [];

/** Workers in the pool now (started or starting). */
export function poolSize(): number {
  return pool.length;
}
const ready = new WeakMap<Worker, Promise<void>>();
const IDLE_MS = 30_000;
let idleTimer: NodeJS.Timeout | undefined;

/** The first `count` pooled workers, started if need be (task-session.ts borrows them too). */
export function pooledWorkers(count: number): Worker[] {
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = undefined;
  while (pool.length < count) {
    const worker = startModuleWorker(siblingModule(import.meta.url, 'task-worker'), { taskPoolWorker: true });
    // A worker that fails leaves its tasks to the calling thread (runTasks waits, then runs them).
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

/**
 * Starts `count` pooled workers (if not running) and resolves once they take work, with
 * `module` loaded when given (its first job then starts at once).
 */
export async function taskWorkersReady(count: number, module?: URL): Promise<void> {
  await Promise.all(
    pooledWorkers(count).map(async (worker) => {
      // Held while awaited: an unreferenced worker would let the process exit meanwhile.
      worker.ref();
      try {
        await ready.get(worker);
        if (module) await preload(worker, module);
      } finally {
        worker.unref();
      }
    }),
  );
  releasePool();
}

function preload(worker: Worker, module: URL): Promise<void> {
  const loaded = new Promise<void>((resolve, reject) => {
    const onMessage = (msg: { loaded?: string; error?: string }) => {
      if (msg?.loaded !== module.href) return;
      worker.off('message', onMessage);
      if (msg.error) reject(new Error(`a worker could not load ${module.href}: ${msg.error}`));
      else resolve();
    };
    worker.on('message', onMessage);
  });
  const message: TaskWorkerPreload = { preload: module.href };
  worker.postMessage(message);
  return loaded;
}

/** Starts the pool's idle timer again: call when done with the workers. */
export function releasePool(): void {
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = setTimeout(() => {
    for (const worker of pool.splice(0)) void worker.terminate();
  }, IDLE_MS);
  idleTimer.unref();
}
