/**
 * A pooled worker thread (task-pool.ts): for each job posted to it, it loads the job's
 * module once, then takes task indices from the job's shared counter until none are
 * left, posting each result back on the job's port.
 */
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import { SESSION_CLOSED, SESSION_POSTED, SESSION_SEQ, takeSessionIndex } from './session-control.js';
import { spinThenWait } from './spin-wait.js';

/** A worker leaves a session that has had no run for this long. */
const SESSION_IDLE_MS = 1000;

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

/**
 * A session (task-session.ts): the worker stays in a loop, waiting on `control` for the
 * next run rather than for a message, and takes that run's task indices; it leaves when
 * the session closes or after SESSION_IDLE_MS without a run.
 */
export interface TaskWorkerSession {
  session: true;
  module: string;
  exportName: string;
  input: unknown;
  port: MessagePort;
  /** See session-control.ts. */
  control: Int32Array;
  /**
   * This worker's number in the session (0, 1, …), passed to each task: a task may write
   * its output into shared memory kept for that worker alone, so that no other thread,
   * nor this one's next run, writes there before the result is read.
   */
  slot: number;
}

/** Asks the worker to load a module ahead of its first job; it answers `{ loaded }`. */
export interface TaskWorkerPreload {
  preload: string;
}

type TaskFunction = (input: unknown, index: number, slot?: number) => unknown;
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

async function serveSession({ module, exportName, input, port, control, slot }: TaskWorkerSession): Promise<void> {
  try {
    const task = (await load(module))[exportName];
    if (typeof task !== 'function') throw new Error(`${module} exports no function ${exportName}`);
    let seen = 0;
    for (;;) {
      if (spinThenWait(control, SESSION_SEQ, seen, SESSION_IDLE_MS) === 'timed-out') break;
      if (Atomics.load(control, SESSION_CLOSED)) break;
      seen = Atomics.load(control, SESSION_SEQ);
      for (let t = takeSessionIndex(control, seen); t >= 0; t = takeSessionIndex(control, seen)) {
        const out = (task as TaskFunction)(input, t, slot);
        port.postMessage({ seq: seen, t, out }, transferables(out));
        Atomics.add(control, SESSION_POSTED, 1);
        Atomics.notify(control, SESSION_POSTED);
      }
    }
  } catch (err) {
    port.postMessage({ error: err instanceof Error ? err.message : String(err) });
    Atomics.add(control, SESSION_POSTED, 1);
    Atomics.notify(control, SESSION_POSTED);
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

// Listening only in a thread the pool started (workerData { taskPoolWorker: true }):
// imported anywhere else, this module must not answer a parent that is not the pool.
const port =
  workerData && typeof workerData === 'object' && (workerData as Record<string, unknown>).taskPoolWorker === true
    ? parentPort
    : null;
port?.on('message', (msg: TaskWorkerJob | TaskWorkerPreload | TaskWorkerSession) => {
  if ('session' in msg) void serveSession(msg);
  else if ('preload' in msg) {
    load(msg.preload).then(
      () => port?.postMessage({ loaded: msg.preload }),
      (err: unknown) => port?.postMessage({ loaded: msg.preload, error: String(err) }),
    );
  } else void run(msg);
});
// Loaded and listening: taskWorkersReady resolves on this.
port?.postMessage('ready');
