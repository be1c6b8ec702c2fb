import { isMainThread, type Worker, workerData } from 'node:worker_threads';

/** The workerData key under which a worker finds its guard. */
export const GUARD_KEY = '__terminationGuard';

/**
 * Terminating a worker thread while it is inside a native addon's call (DuckDB,
 * ONNX Runtime: C++ through node-addon-api) makes the addon throw where nothing can catch
 * it, and the whole process aborts. A guard shared with the worker says when it is inside
 * such a call: [0] how many calls are running, [1] whether a stop was asked. The parent
 * asks first, waits until no call runs, then terminates; a worker asked to stop enters no
 * new call.
 */
export function createTerminationGuard(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(8));
}

const ownGuard: Int32Array | undefined =
  !isMainThread && workerData && typeof workerData === 'object' && (workerData as Record<string, unknown>)[GUARD_KEY]
    ? new Int32Array((workerData as Record<string, SharedArrayBuffer>)[GUARD_KEY] as SharedArrayBuffer)
    : undefined;

/** True on a job's thread that shares a guard: native calls there go through guardedNativeCall. */
export const onGuardedThread = ownGuard !== undefined;

/** Runs a native call that must not be cut by termination (a no-op guard off worker threads). */
export async function guardedNativeCall<T>(run: () => Promise<T>): Promise<T> {
  const g = ownGuard;
  if (!g) return run();
  if (Atomics.load(g, 1)) throw new Error('the job is stopping');
  Atomics.add(g, 0, 1);
  try {
    if (Atomics.load(g, 1)) throw new Error('the job is stopping');
    return await run();
  } finally {
    Atomics.sub(g, 0, 1);
  }
}

/** Terminates a worker once it is outside every guarded native call. */
export async function terminateSafely(worker: Worker, guard: Int32Array | undefined): Promise<void> {
  if (guard) {
    Atomics.store(guard, 1, 1);
    while (Atomics.load(guard, 0) > 0) await new Promise((r) => setTimeout(r, 20));
  }
  await worker.terminate();
}
