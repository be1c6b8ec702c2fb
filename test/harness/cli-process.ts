import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const MARQUEE_BIN = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'packages',
  'cli',
  'bin',
  'marquee.js',
);

/** Runs `marquee ARGS` to completion. */
export function runCli(
  args: string[],
  opts: { env?: Record<string, string>; input?: string; entry?: string } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [opts.entry ?? MARQUEE_BIN, ...args], {
      env: { ...process.env, ...opts.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(opts.input ?? '');
  });
}

/** Starts `marquee serve` (or another entry script of the CLI) as its own process and waits for its banner line. */
export async function spawnServer(
  args: string[],
  env: Record<string, string> = {},
  entry = MARQUEE_BIN,
): Promise<{ child: ChildProcess; url: string; grpcPort: number; output: () => string }> {
  // One process unless a test asks for more (`--workers`): the others need not pay for two.
  const { child, match, output } = await spawnUntil(
    ['serve', ...args],
    { MARQUEE_WORKERS: '1', ...env },
    /Marquee (https?:\/\/\S+) \(gRPC on port (\d+)\)/,
    entry,
  );
  return { child, url: match[1] as string, grpcPort: Number(match[2]), output };
}

/** Starts `marquee worker` as its own process and waits for its banner line. */
export async function spawnWorker(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const { child, match, output } = await spawnUntil(['worker', ...args], env, /probes on (https?:\/\/\S+)\/healthz/);
  return { child, url: match[1] as string, output };
}

function spawnUntil(
  argv: string[],
  env: Record<string, string>,
  banner: RegExp,
  entry = MARQUEE_BIN,
): Promise<{ child: ChildProcess; match: RegExpExecArray; output: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [entry, ...argv], { env: { ...process.env, ...env } });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`marquee ${argv[0]} did not start:\n${out}`)), 30_000);
    const onData = (d: Buffer) => {
      out += d;
      const m = banner.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, match: m, output: () => out });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`marquee ${argv[0]} exited with ${code}:\n${out}`)));
  });
}
