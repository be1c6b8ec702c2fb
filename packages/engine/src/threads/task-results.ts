import { type MessagePort, receiveMessageOnPort } from 'node:worker_threads';
import { spinThenWait } from './spin-wait.js';

/** What a worker posts for a task: its result (tagged with the session's run), or why it failed. */
export type TaskMessage<O> = { t: number; out: O; seq?: number } | { error: string };

/**
 * The results of one set of tasks as they come in, from this thread or the workers'
 * ports, and the loop that gets them all: runTasks (task-pool.ts) and TaskSession.run
 * (task-session.ts) share it.
 */
export class TaskResults<O> {
  readonly results: Array<O | undefined>;
  private readonly have: Uint8Array;
  private done = 0;
  /** Results taken from workers (the first answer for a task wins). */
  fromWorkers = 0;

  constructor(
    private readonly count: number,
    private readonly onResult?: (done: number, out: O) => void,
  ) {
    this.results = new Array(count);
    this.have = new Uint8Array(count);
  }

  accept(t: number, out: O): void {
    if (this.have[t]) return;
    this.have[t] = 1;
    this.results[t] = out;
    this.done++;
    this.onResult?.(this.done, out);
  }

  /** Reads every answer waiting on the ports; with `seq`, answers to other runs are dropped. */
  drain(ports: MessagePort[], seq?: number): void {
    for (const port of ports) {
      for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) {
        const msg = m.message as TaskMessage<O>;
        if ('error' in msg) throw new Error(`a worker thread failed: ${msg.error}`);
        if ((seq !== undefined && msg.seq !== seq) || this.have[msg.t]) continue;
        this.fromWorkers++;
        this.accept(msg.t, msg.out);
      }
    }
  }

  /**
   * Runs here every index `take` hands out (−1: none left), then waits for the tasks the
   * workers took; one not delivered within `patience(ms per task here)` ms (a worker that
   * died, or is still compiling its code) is computed here, so the call cannot hang.
   * `posted` is the shared word the workers bump and notify after each answer.
   */
  complete(
    take: () => number,
    runHere: (index: number) => O,
    drain: () => void,
    posted: { words: Int32Array; at: number },
    patience: (perTaskMs: number) => number,
    signal?: AbortSignal,
  ): O[] {
    let here = 0;
    const started = performance.now();
    for (let t = take(); t >= 0; t = take()) {
      signal?.throwIfAborted();
      this.accept(t, runHere(t));
      here++;
      drain();
    }
    const wait = patience((performance.now() - started) / Math.max(1, here));
    while (this.done < this.count) {
      signal?.throwIfAborted();
      const seen = Atomics.load(posted.words, posted.at);
      const before = this.done;
      drain();
      if (this.done < this.count && this.done === before) {
        const waited = spinThenWait(posted.words, posted.at, seen, wait);
        drain();
        if (waited === 'timed-out' && this.done === before) {
          const missing = this.have.indexOf(0);
          this.accept(missing, runHere(missing));
        }
      }
    }
    return this.results as O[];
  }
}
