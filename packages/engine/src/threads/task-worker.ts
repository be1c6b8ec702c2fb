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
  /** See SESSION_* in task-session.ts. */
  control: Int32Array;
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

// The session's control words (shared with task-session.ts).
export const SESSION_SEQ = 0;
export const SESSION_NEXT = 1;
export const SESSION_COUNT = 2;
export const SESSION_POSTED = 3;
export const SESSION_CLOSED = 4;
export const SESSION_WORDS = 5;
/** Index bits of SESSION_NEXT; the bits above hold the run's sequence number. */
export const SESSION_INDEX_BITS = 16;
const SESSION_IDLE_MS = 1000;

/** The bits of a run's sequence number that SESSION_NEXT holds. */
export function sessionTag(seq: number): number {
  return seq & 0x7fff;
}

/**
 * Takes the next index of run `seq`, or −1 when that run has none left or is over: a
 * compare-and-swap, so that a worker still on an old run never takes a newer run's index.
 */
export function takeSessionIndex(control: Int32Array, seq: number): number {
  for (;;) {
    const v = Atomics.load(control, SESSION_NEXT);
    const index = v & ((1 << SESSION_INDEX_BITS) - 1);
    if (v >>> SESSION_INDEX_BITS !== sessionTag(seq) || index >= Atomics.load(control, SESSION_COUNT)) return -1;
    if (Atomics.compareExchange(control, SESSION_NEXT, v, v + 1) === v) return index;
  }
}

async function serveSession({ module, exportName, input, port, control }: TaskWorkerSession): Promise<void> {
  try {
    const task = (await load(module))[exportName];
    if (typeof task !== 'function') throw new Error(`${module} exports no function ${exportName}`);
    let seen = 0;
    for (;;) {
      if (Atomics.wait(control, SESSION_SEQ, seen, SESSION_IDLE_MS) === 'timed-out') break;
      if (Atomics.load(control, SESSION_CLOSED)) break;
      seen = Atomics.load(control, SESSION_SEQ);
      for (let t = takeSessionIndex(control, seen); t >= 0; t = takeSessionIndex(control, seen)) {
        const out = (task as TaskFunction)(input, t);
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

parentPort?.on('message', (msg: TaskWorkerJob | TaskWorkerPreload | TaskWorkerSession) => {
  if ('session' in msg) void serveSession(msg);
  else if ('preload' in msg) {
    load(msg.preload).then(
      () => parentPort?.postMessage({ loaded: msg.preload }),
      (err: unknown) => parentPort?.postMessage({ loaded: msg.preload, error: String(err) }),
    );
  } else void run(msg);
});
// Loaded and listening: taskWorkersReady resolves on this.
parentPort?.postMessage('ready');
