/**
 * One load run with wrk (Debian's package), a C load generator: on a 2-core machine a
 * Node generator would compete with the server for the same cores and measure itself.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { pinnedCommand } from './cpu-pinning.ts';
import { ensureDebianTool } from './debian-tool.ts';

const run = promisify(execFile);

export interface LoadResult {
  rps: number;
  /** Latency percentiles, ms. */
  p50: number;
  p99: number;
  requests: number;
  non2xx: number;
  errors: number;
}

/** Installs wrk from Debian when it is missing (or fails early, with the fix). */
export async function checkWrk(): Promise<void> {
  await ensureDebianTool('wrk', 'wrk', () =>
    run('wrk', ['--version']).catch((err) => {
      // wrk --version exits 1 after printing its version.
      if (!/^wrk /m.test(`${err.stdout ?? ''}${err.stderr ?? ''}`)) throw err;
    }),
  );
}

const lua = (s: string) => `"${s.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;

/**
 * POSTs `body` (JSON unless `headers` say otherwise) to `url` over `connections`
 * connections for `seconds`, one wrk thread; on core `cpu` only when it is given.
 */
export async function wrkLoad(
  url: string,
  connections: number,
  seconds: number,
  body: string | Uint8Array,
  token?: string,
  headers: Record<string, string> = { 'Content-Type': 'application/json' },
  cpu?: number,
): Promise<LoadResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-wrk-'));
  const bodyFile = path.join(dir, 'body.json');
  const script = path.join(dir, 'post.lua');
  fs.writeFileSync(bodyFile, body);
  fs.writeFileSync(
    script,
    [
      'wrk.method = "POST"',
      `local f = io.open(${lua(bodyFile)}, "rb"); wrk.body = f:read("*a"); f:close()`,
      ...Object.entries(headers).map(([k, v]) => `wrk.headers[${lua(k)}] = ${lua(v)}`),
      token ? `wrk.headers["Authorization"] = ${lua(`Bearer ${token}`)}` : '',
    ].join('\n'),
  );
  try {
    const [file, args] = pinnedCommand(
      'wrk',
      ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', '-s', script, url],
      cpu,
    );
    const { stdout } = await run(file, args, { maxBuffer: 1 << 20 });
    return parseWrk(stdout);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** wrk's report: Requests/sec, the latency distribution, non-2xx answers and socket errors. */
export function parseWrk(out: string): LoadResult {
  const ms = (v: string, unit: string) => Number(v) * ({ us: 0.001, ms: 1, s: 1000, m: 60_000 }[unit] ?? Number.NaN);
  const pct = (p: string) => {
    const m = new RegExp(`^\\s*${p}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, 'm').exec(out);
    return m ? Math.round(ms(m[1] as string, m[2] as string) * 1000) / 1000 : Number.NaN;
  };
  const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? Number.NaN),
    p50: pct('50'),
    p99: pct('99'),
    requests: Number(/(\d+) requests in/.exec(out)?.[1] ?? 0),
    non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0),
    errors: errors ? errors.slice(1).reduce((s, n) => s + Number(n), 0) : 0,
  };
}
