/** Starting `marquee serve` for a bench: its own process, its own data folder, loopback ports. */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BENCH_TOKEN = 'mq_bench-admin-token-0000000000000000000000000';

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export interface BenchServer {
  child: ChildProcess;
  port: number;
  grpcPort: number;
  dataDir: string;
  url: string;
  /** SIGTERM, wait for the exit (it saves its warm-start list), remove the data folder. */
  stop(): Promise<void>;
}

/**
 * `marquee serve` on 127.0.0.1 with `args` (and MARQUEE_BENCH_ARGS), the bench's admin
 * token, logging warnings only; resolves once it prints its banner.
 */
export async function startBenchServer(
  args: string[],
  opts: { env?: Record<string, string>; nodeArgs?: string[]; dataDir?: string } = {},
): Promise<BenchServer> {
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-bench-'));
  const [port, grpcPort] = [await freePort(), await freePort()];
  const extra = (process.env.MARQUEE_BENCH_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(
    process.execPath,
    [
      ...(opts.nodeArgs ?? []),
      // The command as users run it: the compiled build when it is current (npm run build:server).
      path.join(ROOT, 'packages', 'cli', 'bin', 'marquee.js'),
      'serve',
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--grpc-port',
      String(grpcPort),
      '--data',
      dataDir,
      '--log-level',
      'warn',
      ...args,
      ...extra,
    ],
    {
      cwd: ROOT,
      env: { ...process.env, MARQUEE_ADMIN_TOKEN: BENCH_TOKEN, ...opts.env },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d) => {
      out += d;
      if (/Marquee http/.test(out)) resolve();
    });
    child.on('exit', (code) => reject(new Error(`marquee serve exited with ${code}:\n${out}`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    port,
    grpcPort,
    dataDir,
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
      if (!opts.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
