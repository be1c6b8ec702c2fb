/**
 * A pooled worker thread (task-pool.ts): for each job posted to it, it loads the job's
 * module once, then takes task indices from the job's shared counter until none are
 * left, posting each result back on the job's port.
 */
import { type MessagePort, parentPort } from 'node:worker_threads';

export interface TaskWorkerJob {
  /** URL of the module exporting the task function. */
  module: string;
  exportName: string;
  input: unknown;
  count: number;
  port: MessagePort;
  /** [next task, results posted, failures] */
  counters: Int32Array;
}

/** Asks the worker to load a module ahead of its first job; it answers `{ loaded }`. */
export interface TaskWorkerPreload {
  preload: string;
}

type TaskFunction = (input: unknown, index: number) => unknown;
const loaded = new Map<string, Promise<Record<string, unknown>>>();

function load(module: string): Promise<Record<string, unknown>> {
  let mod = loaded.get(module);
  if (!mod) {
    mod = import(module) as Promise<Record<string, unknown>>;
    loaded.set(module, mod);
  }
  return mod;
}

async function run({ module, exportName, input, count, port, counters }: TaskWorkerJob): Promise<void> {
  try {
    const task = (await load(module))[exportName];
    if (typeof task !== 'function') throw new Error(`${module} exports no function ${exportName}`);
    for (let t = Atomics.add(counters, 0, 1); t < count; t = Atomics.add(counters, 0, 1)) {
      const out = (task as TaskFunction)(input, t);
      port.postMessage({ t, out }, transferables(out));
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

/** The result's own typed arrays (one level deep), moved rather than copied. */
function transferables(out: unknown): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  if (out && typeof out === 'object') {
    for (const v of Object.values(out)) {
      if (ArrayBuffer.isView(v) && v.buffer instanceof ArrayBuffer) buffers.add(v.buffer);
    }
  }
  return [...buffers];
}

parentPort?.on('message', (msg: TaskWorkerJob | TaskWorkerPreload) => {
  if ('preload' in msg) {
    load(msg.preload).then(
      () => parentPort?.postMessage({ loaded: msg.preload }),
      (err: unknown) => parentPort?.postMessage({ loaded: msg.preload, error: String(err) }),
    );
  } else void run(msg);
});
// Loaded and listening: taskWorkersReady resolves on this.
parentPort?.postMessage('ready');
