import { concatRows, sliceRows } from './batch-tensors.js';
import type { ModelRuntime } from './runtimes/model-runtime.js';
import type { Tensor } from './tensor.js';

export interface BatchingConfig {
  /** Most rows in one run; 1 turns batching off. */
  maxBatchSize: number;
  /** How long the first queued request may wait for others; 0 batches only what queued up during the previous run. */
  maxDelayMs: number;
}

export interface BatchObserver {
  onBatch(rows: number, requests: number): void;
  onQueueDelay(seconds: number): void;
}

/** Called once with a request's own outputs, or with the error that failed it. */
export type RunDone = (err: unknown, out?: Map<string, Tensor>) => void;

interface Pending {
  inputs: Tensor[];
  rows: number;
  /** Inputs' non-batch dimensions: only requests that agree can share a run. */
  key: string;
  enqueuedAt: number;
  done: RunDone;
}

// ONNX Runtime runs a session on the main thread (OnnxRuntime calls the native session
// directly), so a second run in flight buys no parallelism; one at a time lets the queue
// grow into bigger, cheaper batches (measured: 6 requests per run instead of 4 at 16
// connections, with the run deferred by onnxruntime-node's setImmediate; 15 since it is not).
const MAX_IN_FLIGHT = 1;

// Unbatched runs of a turn stop for I/O once they have taken this long. node accepts one
// new connection per event-loop turn (libuv accepts once per poll), so a turn of 64
// back-to-back runs of a 1.25 ms model kept new connections waiting 80 ms each: their
// first requests waited up to 5 s (64 connections opened at once, bench:batching's big
// MLP unbatched: p99 1.1 s, 1% of requests over wrk's 2 s timeout).
const ALONE_TURN_BUDGET_MS = 5;

interface Alone {
  inputs: Tensor[];
  parameters: Record<string, string | number | boolean> | undefined;
  done: RunDone;
}

function settle(done: RunDone): [(out: Map<string, Tensor>) => void, (err: unknown) => void] {
  return [(out) => done(undefined, out), (err) => done(err ?? new Error('the run failed'))];
}

/**
 * Dynamic batching for one model version, under every protocol adapter. Requests queue;
 * whenever a run slot is free the queue is drained into one run of at most
 * `maxBatchSize` rows (joined along dimension 0), and each request gets exactly its own
 * rows back. Models whose inputs and outputs are not batch-major bypass it.
 */
export class DynamicBatcher {
  private queue: Pending[] = [];
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  private turnScheduled = false;
  private readonly onTurn = () => {
    this.turnScheduled = false;
    this.schedule();
  };
  /** Unbatched requests waiting for their run, in arrival order. */
  private alone: Alone[] = [];
  private aloneScheduled = false;
  private aloneTurnStarted = 0;
  private readonly startAloneTurn = () => {
    this.aloneTurnStarted = performance.now();
    this.runNextAlone();
  };
  // Each run's answer goes out before the next run starts (the next run is a microtask
  // queued after the answer's): a request does not wait for the runs behind it in its turn.
  private readonly runNextAlone = () => {
    const next = this.alone.shift();
    if (!next) {
      this.aloneScheduled = false;
      return;
    }
    this.runtime.run(next.inputs, this.outputNames, next.parameters).then(...settle(next.done));
    if (this.alone.length === 0) this.aloneScheduled = false;
    else if (performance.now() - this.aloneTurnStarted < ALONE_TURN_BUDGET_MS) queueMicrotask(this.runNextAlone);
    else setImmediate(this.startAloneTurn);
  };

  constructor(
    private readonly runtime: ModelRuntime,
    private readonly outputNames: readonly string[],
    private readonly config: BatchingConfig,
    private batchable: boolean,
    private readonly observer?: BatchObserver,
  ) {}

  get enabled(): boolean {
    return this.batchable && this.config.maxBatchSize > 1;
  }

  /** A request with its own parameters runs alone: they may differ from its neighbours'. */
  submit(inputs: Tensor[], parameters?: Record<string, string | number | boolean>): Promise<Map<string, Tensor>> {
    return new Promise((resolve, reject) =>
      this.enqueue(inputs, parameters, (err, out) => (out ? resolve(out) : reject(err))),
    );
  }

  /**
   * submit() for the predict path's callback style (no promise per request). The first
   * request of an event-loop turn starts the run only once the turn has read every request
   * that had arrived (setImmediate), so they share it.
   */
  enqueue(inputs: Tensor[], parameters: Record<string, string | number | boolean> | undefined, done: RunDone): void {
    if (!this.enabled || parameters) {
      this.observer?.onBatch(inputs[0]?.shape[0] ?? 1, 1);
      this.observer?.onQueueDelay(0);
      // After the turn's reads, as a batch would: the runs then follow one another with the
      // model's weights in cache (a 784 → 256 → 10 MLP unbatched at 64 connections: 10.7k
      // req/s so, 7.9k with each run inside its request's read), for at most a budget.
      this.alone.push({ inputs, parameters, done });
      if (!this.aloneScheduled) {
        this.aloneScheduled = true;
        setImmediate(this.startAloneTurn);
      }
      return;
    }
    const rows = inputs[0]?.shape[0] ?? 0;
    this.queue.push({ inputs, rows, key: batchKey(inputs), enqueuedAt: performance.now(), done });
    if (this.inFlight < MAX_IN_FLIGHT && !this.turnScheduled) {
      this.turnScheduled = true;
      setImmediate(this.onTurn);
    }
  }

  private schedule(): void {
    if (this.inFlight >= MAX_IN_FLIGHT || this.queue.length === 0) return;
    const queuedRows = this.queue.reduce((n, p) => n + p.rows, 0);
    if (this.config.maxDelayMs > 0 && queuedRows < this.config.maxBatchSize) {
      const head = this.queue[0] as Pending;
      const waitMs = head.enqueuedAt + this.config.maxDelayMs - performance.now();
      if (waitMs > 0) {
        this.timer ??= setTimeout(() => {
          this.timer = undefined;
          this.schedule();
        }, waitMs);
        return;
      }
    }
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.dispatch(this.take());
  }

  /** Takes the head request and every later one that fits and shares its key. */
  private take(): Pending[] {
    const head = this.queue.shift() as Pending;
    const batch = [head];
    let rows = head.rows;
    for (let i = 0; i < this.queue.length && rows < this.config.maxBatchSize; ) {
      const p = this.queue[i] as Pending;
      if (p.key === head.key && rows + p.rows <= this.config.maxBatchSize) {
        batch.push(p);
        rows += p.rows;
        this.queue.splice(i, 1);
      } else i++;
    }
    return batch;
  }

  private dispatch(batch: Pending[]): void {
    this.inFlight++;
    const now = performance.now();
    for (const p of batch) this.observer?.onQueueDelay((now - p.enqueuedAt) / 1000);
    const totalRows = batch.reduce((n, p) => n + p.rows, 0);
    this.observer?.onBatch(totalRows, batch.length);
    const inputs =
      batch.length === 1
        ? (batch[0] as Pending).inputs
        : (batch[0] as Pending).inputs.map((_, i) => concatRows(batch.map((p) => p.inputs[i] as Tensor)));
    this.runtime.run(inputs, this.outputNames).then(
      (outputs) => {
        this.inFlight--;
        this.split(batch, totalRows, outputs);
        this.schedule();
      },
      (err) => {
        this.inFlight--;
        this.retrySeparately(batch, err);
        this.schedule();
      },
    );
  }

  private split(batch: Pending[], totalRows: number, outputs: Map<string, Tensor>): void {
    if (batch.length === 1) {
      (batch[0] as Pending).done(undefined, outputs);
      return;
    }
    for (const t of outputs.values()) {
      if (t.shape[0] !== totalRows) {
        // The model is not batch-major after all: stop batching it and answer one by one.
        this.batchable = false;
        this.retrySeparately(batch, undefined);
        return;
      }
    }
    let start = 0;
    for (const p of batch) {
      const mine = new Map<string, Tensor>();
      for (const [name, t] of outputs) mine.set(name, sliceRows(t, start, p.rows));
      start += p.rows;
      p.done(undefined, mine);
    }
  }

  /** A joined run failed: one bad request must not fail its neighbours, so run each alone. */
  private retrySeparately(batch: Pending[], err: unknown): void {
    if (batch.length === 1) {
      (batch[0] as Pending).done(err ?? new Error('the run failed'));
      return;
    }
    for (const p of batch) this.runtime.run(p.inputs, this.outputNames).then(...settle(p.done));
  }

  /** Fails whatever is still queued (used when the runtime is unloaded). */
  close(err: Error): void {
    if (this.timer) clearTimeout(this.timer);
    for (const p of this.queue.splice(0)) p.done(err);
    for (const a of this.alone.splice(0)) a.done(err);
  }
}

/** The inputs' non-batch dimensions as a string: requests with equal keys can share a run. */
function batchKey(inputs: Tensor[]): string {
  let key = '';
  for (const t of inputs) {
    for (let d = 1; d < t.shape.length; d++) key += `${t.shape[d]}x`;
    key += '|';
  }
  return key;
}
