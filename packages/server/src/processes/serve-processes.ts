import cluster, { type Worker } from 'node:cluster';
import type { ServerConfig } from '../config/config.js';
import { relayProcessBus } from '../store/cluster-bus/process-bus.js';
import { answerMetricsRequests, metricsAggregator } from './cluster-metrics.js';

/** Marks the supervisor's own messages on a worker's IPC channel. */
export const SERVE_MESSAGE = 'marquee.serve';
/** Tells a forked process which of the N it is: "index/count". */
export const SERVE_PROCESS_ENV = 'MARQUEE_SERVE_PROCESS';

export type ServeMessage =
  | { [SERVE_MESSAGE]: 'ready'; httpUrl: string; grpcPort: number }
  | { [SERVE_MESSAGE]: 'stop' }
  | { [SERVE_MESSAGE]: 'metrics'; id: number }
  | { [SERVE_MESSAGE]: 'metrics-result'; id: number; text?: string; error?: string };

export function serveMessage(msg: unknown): ServeMessage | undefined {
  return typeof msg === 'object' && msg !== null && SERVE_MESSAGE in msg ? (msg as ServeMessage) : undefined;
}

export interface ServeProcessesHandle {
  httpUrl: string;
  grpcPort: number;
  /** Stops every process (each drains its requests) and resolves when all have exited. */
  close(): Promise<void>;
  /** Resolves with an exit code if the processes cannot be kept up (restarting too often). */
  failed: Promise<number>;
}

// A worker that keeps dying is not restarted forever: the supervisor gives up and exits.
const RESTART_WINDOW_MS = 60_000;
const MAX_RESTARTS_IN_WINDOW = 5;

/**
 * The supervising process of `serve --workers N`: forks N copies of this command, which
 * share the HTTP and gRPC listening sockets (node:cluster hands each new connection to
 * one of them in turn) and the data folder. The store is prepared before (prepareStore).
 * Index 0 runs the jobs. A worker that dies after it started is replaced, under the same
 * index; one that fails to start fails the whole start.
 */
export async function startServeProcesses(
  config: ServerConfig,
  log: (msg: string) => void,
): Promise<ServeProcessesHandle> {
  const count = config.workers;
  const workers = new Map<number, Worker>();
  const aggregator = metricsAggregator();
  const restarts: number[] = [];
  let stopping = false;
  let fail: (code: number) => void = () => {};
  const failed = new Promise<number>((resolve) => {
    fail = resolve;
  });

  const fork = (index: number): Promise<{ httpUrl: string; grpcPort: number }> => {
    const worker = cluster.fork({ [SERVE_PROCESS_ENV]: `${index}/${count}` });
    workers.set(index, worker);
    relayProcessBus(worker, () => workers.values());
    answerMetricsRequests(worker, aggregator);
    return new Promise((resolve, reject) => {
      let ready = false;
      worker.on('message', (msg: unknown) => {
        const m = serveMessage(msg);
        if (m?.[SERVE_MESSAGE] !== 'ready') return;
        ready = true;
        resolve({ httpUrl: m.httpUrl, grpcPort: m.grpcPort });
      });
      worker.on('exit', (code, signal) => {
        if (workers.get(index) === worker) workers.delete(index);
        if (!ready) return reject(new Error(`worker ${index + 1} exited with ${signal ?? code} before it listened`));
        if (stopping) return;
        const now = Date.now();
        restarts.push(now);
        while ((restarts[0] as number) < now - RESTART_WINDOW_MS) restarts.shift();
        if (restarts.length > MAX_RESTARTS_IN_WINDOW) {
          log(`worker ${index + 1} exited (${signal ?? code}); ${restarts.length} restarts in a minute: giving up`);
          fail(1);
          return;
        }
        log(`worker ${index + 1} exited (${signal ?? code}); starting another in its place`);
        fork(index).catch((err: Error) => {
          log(err.message);
          fail(1);
        });
      });
    });
  };

  const stopAll = async (): Promise<void> => {
    stopping = true;
    const exits = [...workers.values()].map(
      (w) =>
        new Promise<void>((resolve) => {
          if (w.isDead()) return resolve();
          w.once('exit', () => resolve());
          // Each drains its own requests; one that overruns the grace period is killed.
          const timer = setTimeout(() => w.process.kill('SIGKILL'), config.drainTimeoutMs + 5_000);
          w.once('exit', () => clearTimeout(timer));
          if (w.isConnected()) w.send({ [SERVE_MESSAGE]: 'stop' } satisfies ServeMessage);
          else w.process.kill('SIGTERM');
        }),
    );
    await Promise.all(exits);
  };

  try {
    // The first starts alone: it runs the jobs and the one-off start-up work before the others open the store.
    const first = await fork(0);
    await Promise.all(Array.from({ length: count - 1 }, (_, i) => fork(i + 1)));
    let closing: Promise<void> | undefined;
    return { ...first, failed, close: () => (closing ??= stopAll()) };
  } catch (err) {
    await stopAll();
    // The listening handles node:cluster opened for the workers go too, so the process can end.
    await new Promise<void>((resolve) => cluster.disconnect(() => resolve()));
    throw err;
  }
}
