import { MessageChannel, type MessagePort } from 'node:worker_threads';
import {
  SESSION_CLOSED,
  SESSION_COUNT,
  SESSION_INDEX_BITS,
  SESSION_NEXT,
  SESSION_POSTED,
  SESSION_SEQ,
  SESSION_WORDS,
  sessionTag,
  takeSessionIndex,
} from './session-control.js';
import { COLD_MS, pooledWorkers, poolSize, releasePool, WARM_MS } from './task-pool.js';
import { TaskResults } from './task-results.js';
// Types only: task-worker.ts is a worker's entry point, and importing it would run it here.
import type { TaskWorkerSession } from './task-worker.js';

/**
 * The same kind of task run again and again over one input, each run a few milliseconds
 * (an optimiser's objective, a network's mini-batch): handing each run over by message
 * costs about 50 µs (measured), as much as the work it would share. A session hands the
 * input over once; between runs the workers wait on shared memory (Atomics.wait) and each
 * run costs a notify. What changes from run to run must live in shared memory inside the
 * input, written before `run` (its atomic store orders it before the workers' reads).
 *
 * As in runTasks, the results of run r depend only on the input and the index, whichever
 * thread computes them, and a task a worker took but did not deliver in time is computed
 * here, so a run cannot hang. A worker's task gets the worker's slot (0, 1, …) as a
 * third argument, to write large outputs into shared memory of its own instead of
 * allocating them.
 */
export class TaskSession<I, O> {
  private readonly control = new Int32Array(new SharedArrayBuffer(SESSION_WORDS * 4));
  private readonly ports: MessagePort[] = [];
  private seq = 0;
  private closed = false;
  /** Tasks of all runs so far computed on workers. */
  ranOnWorkers = 0;

  /**
   * Opens a session on `threads − 1` pooled workers. `estimateMs` is the whole session's
   * time on one thread, roughly: past a second, workers not yet running are started and
   * join the runs once up (the runs before go on without them); past WARM_MS, they are
   * started for the sessions that follow; below, every run stays on this thread.
   */
  constructor(module: URL, exportName: string, input: I, threads: number, estimateMs: number) {
    const nWorkers = Math.max(0, threads - 1);
    if (nWorkers === 0 || estimateMs < WARM_MS) return;
    if (poolSize() < nWorkers && estimateMs < COLD_MS) {
      pooledWorkers(nWorkers);
      releasePool();
      return;
    }
    for (const [slot, worker] of pooledWorkers(nWorkers).entries()) {
      const { port1, port2 } = new MessageChannel();
      this.ports.push(port1);
      const msg: TaskWorkerSession = {
        session: true,
        module: module.href,
        exportName,
        input,
        port: port2,
        control: this.control,
        slot,
      };
      worker.postMessage(msg, [port2]);
    }
  }

  /** Runs tasks 0 … count − 1 (count < 65,536) and returns their results in order. */
  run(count: number, runHere: (index: number) => O, signal?: AbortSignal): O[] {
    if (this.closed) throw new Error('the task session is closed');
    if (this.ports.length === 0) return Array.from({ length: count }, (_, t) => runHere(t));
    const { control, ports } = this;
    const seq = ++this.seq;
    Atomics.store(control, SESSION_COUNT, count);
    Atomics.store(control, SESSION_NEXT, sessionTag(seq) << SESSION_INDEX_BITS);
    Atomics.store(control, SESSION_SEQ, seq);
    Atomics.notify(control, SESSION_SEQ);
    const collected = new TaskResults<O>(count);
    try {
      return collected.complete(
        () => takeSessionIndex(control, seq),
        runHere,
        () => collected.drain(ports, seq),
        { words: control, at: SESSION_POSTED },
        // Tasks are alike: a worker much slower than this thread (still compiling its code,
        // or descheduled) is not waited for; its task is computed here.
        (perTask) => Math.max(0.05, 4 * perTask),
        signal,
      );
    } finally {
      this.ranOnWorkers += collected.fromWorkers;
    }
  }

  /** Lets the workers go back to the pool. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.ports.length === 0) return;
    Atomics.store(this.control, SESSION_CLOSED, 1);
    Atomics.add(this.control, SESSION_SEQ, 1);
    Atomics.notify(this.control, SESSION_SEQ);
    for (const port of this.ports) port.close();
    releasePool();
  }
}
