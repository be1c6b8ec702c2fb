import cluster from 'node:cluster';
import type { ServerConfig } from '../config/config.js';
import { type RunningServer, type ServeProcesses, startServer } from '../server.js';
import { SERVE_MESSAGE, SERVE_PROCESS_ENV, type ServeMessage, serveMessage } from './serve-processes.js';

/** Which of the `serve --workers N` processes this is, or undefined outside them. */
export function serveProcessFromEnv(env: NodeJS.ProcessEnv = process.env): ServeProcesses | undefined {
  if (!cluster.isWorker) return undefined;
  const m = /^(\d+)\/(\d+)$/.exec(env[SERVE_PROCESS_ENV] ?? '');
  if (!m) throw new Error(`${SERVE_PROCESS_ENV} must be "index/count", got "${env[SERVE_PROCESS_ENV]}"`);
  return { index: Number(m[1]), count: Number(m[2]) };
}

/**
 * One of the `serve --workers N` processes: starts the server, tells the supervisor where
 * it listens, and runs until the supervisor says stop (or SIGTERM), then drains and exits.
 * Ctrl-C reaches every process of the terminal's group; only the supervisor acts on it,
 * so the stop is one orderly sequence. Should the supervisor die, node:cluster ends this
 * process at once (as a kill would), and the next start recovers jobs and leases.
 */
export async function runServeWorker(
  config: ServerConfig,
  processes: ServeProcesses,
  onStarted?: (server: RunningServer) => void,
): Promise<void> {
  process.on('SIGINT', () => {});
  let server: RunningServer;
  try {
    server = await startServer(config, 'api', processes);
  } catch (err) {
    // A worker that cannot start (its port taken, say) ends at once: its IPC channel would
    // keep it alive, and the supervisor waits for its exit to report the failure.
    console.error(`marquee serve, process ${processes.index + 1}: ${err instanceof Error ? err.message : err}`);
    process.exit(1);
  }
  onStarted?.(server);
  const ready: ServeMessage = { [SERVE_MESSAGE]: 'ready', httpUrl: server.httpUrl, grpcPort: server.grpcPort };
  process.send?.(ready);
  await new Promise<void>((resolve) => {
    process.on('message', (msg: unknown) => {
      if (serveMessage(msg)?.[SERVE_MESSAGE] === 'stop') resolve();
    });
    process.once('SIGTERM', () => resolve());
  });
  await server.close();
  cluster.worker?.disconnect();
}
