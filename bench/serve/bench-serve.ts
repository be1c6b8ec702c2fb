/**
 * npm run bench:serve — OIP REST serving throughput against a bare node:http baseline,
 * measured in one run, each server and the load generator (autocannon) in its own process.
 *
 *   (a) baseline: node:http, parse the same JSON, fixed reply
 *   (b) Marquee OIP REST infer, 20-feature logistic regression (ONNX), batch 1
 *   (c) Marquee OIP REST infer, a trained 100-tree random forest (ONNX), batch 1
 *
 * Environment: BENCH_DURATION seconds per cell (10), BENCH_CONNECTIONS ("16,64"),
 * BENCH_REPEATS (3; targets interleaved repeat by repeat, the median reported),
 * BENCH_ROWS rows per request (1), MARQUEE_BENCH_ARGS extra `marquee serve` flags.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MarqueeClient } from '@marquee/client';
import { logisticRegressionModel } from '../../test/fixtures/onnx-models.ts';
import { randomForestModel } from './forest-model.ts';
import { oipBody } from './oip-body.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, '..', '..');
const duration = Number(process.env.BENCH_DURATION ?? 10);
const connections = (process.env.BENCH_CONNECTIONS ?? '16,64').split(',').map(Number);
const rows = Number(process.env.BENCH_ROWS ?? 1);
const repeats = Number(process.env.BENCH_REPEATS ?? 3);
const token = 'mq_bench-admin-token-0000000000000000000000000';

function tsxProcess(script: string, args: string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

function waitFor(child: ChildProcess, pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d) => {
      out += d;
      const m = pattern.exec(out);
      if (m) resolve(m);
    });
    child.on('exit', (code) => reject(new Error(`exited with ${code} before ${pattern}:\n${out}`)));
  });
}

async function freePort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

interface Cell {
  target: string;
  connections: number;
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  non2xx: number;
  errors: number;
}

async function load(target: string, url: string, conns: number, body: string, auth?: string): Promise<Cell> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(here, 'load-generator.ts'),
      JSON.stringify({ url, connections: conns, duration, body, token: auth }),
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  await new Promise((resolve) => child.on('exit', resolve));
  const r = JSON.parse(out.trim().split('\n').at(-1) as string);
  return { target, connections: conns, ...r };
}

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-bench-'));
  const [httpPort, grpcPort, basePort] = [await freePort(), await freePort(), await freePort()];
  const extra = (process.env.MARQUEE_BENCH_ARGS ?? '').split(' ').filter(Boolean);
  const marquee = tsxProcess(
    path.join(root, 'packages', 'cli', 'src', 'run.ts'),
    [
      'serve',
      '--host',
      '127.0.0.1',
      '--port',
      String(httpPort),
      '--grpc-port',
      String(grpcPort),
      '--data',
      dataDir,
      '--log-level',
      'warn',
      ...extra,
    ],
    { MARQUEE_ADMIN_TOKEN: token },
  );
  const baseline = tsxProcess(path.join(here, 'baseline-server.ts'), [String(basePort)]);
  const children = [marquee, baseline];
  const cleanup = () => {
    for (const c of children) c.kill('SIGTERM');
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  process.on('SIGINT', () => {
    cleanup();
    process.exit(130);
  });
  try {
    await Promise.all([waitFor(marquee, /Marquee http/), waitFor(baseline, /baseline listening/)]);
    const mq = new MarqueeClient({ baseUrl: `http://127.0.0.1:${httpPort}`, token });
    for (const [name, bytes] of [
      ['bench-lr', logisticRegressionModel().bytes],
      ['bench-rf', randomForestModel()],
    ] as const) {
      await mq.createModel({ owner: 'admin', name, task: 'classification' });
      await mq.uploadVersion(`admin/${name}`, bytes);
    }
    const body = oipBody(rows);
    const targets = [
      { target: 'a-node-http-baseline', url: `http://127.0.0.1:${basePort}/v2/models/baseline/infer` },
      { target: 'b-marquee-logreg', url: `http://127.0.0.1:${httpPort}/v2/models/admin.bench-lr/infer`, auth: token },
      {
        target: 'c-marquee-forest100',
        url: `http://127.0.0.1:${httpPort}/v2/models/admin.bench-rf/infer`,
        auth: token,
      },
    ];
    // Check every target answers this body correctly before measuring anything.
    for (const t of targets) {
      const res = await fetch(t.url, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', ...(t.auth ? { authorization: `Bearer ${t.auth}` } : {}) },
      });
      const json = (await res.json()) as { outputs: Array<{ name: string; shape: number[] }> };
      if (res.status !== 200 || json.outputs[0]?.shape[0] !== rows)
        throw new Error(`${t.target} answered ${res.status}: ${JSON.stringify(json)}`);
      // Warm-up: load sessions, JIT the hot paths.
      await load(t.target, t.url, 8, body, t.auth).catch(() => undefined);
    }
    // The machine is shared: interleave targets repeat by repeat and keep each cell's median run.
    const cells: Cell[] = [];
    for (const conns of connections) {
      const runs = new Map<string, Cell[]>();
      for (let rep = 0; rep < repeats; rep++) {
        for (const t of targets) {
          const cell = await load(t.target, t.url, conns, body, t.auth);
          runs.set(t.target, [...(runs.get(t.target) ?? []), cell]);
          console.log(JSON.stringify({ ...cell, repeat: rep, rows, duration, loadavg1m: os.loadavg()[0] }));
        }
      }
      for (const t of targets) {
        const sorted = (runs.get(t.target) ?? []).sort((a, b) => a.rps - b.rps);
        cells.push(sorted[Math.floor(sorted.length / 2)] as Cell);
      }
    }
    const cpu = os.cpus()[0]?.model ?? '?';
    console.log(
      `\n${new Date().toISOString()}  ${os.cpus().length} × ${cpu}, node ${process.version}, median of ${repeats} × ${duration} s per cell, ${rows} row(s) per request\n`,
    );
    console.log('| target | connections | req/s | p50 ms | p99 ms | non-2xx | (b or c)/(a) |');
    console.log('|---|---|---|---|---|---|---|');
    for (const c of cells) {
      const base = cells.find((x) => x.connections === c.connections && x.target.startsWith('a-'));
      const ratio = c.target.startsWith('a-') || !base ? '' : (c.rps / base.rps).toFixed(2);
      console.log(
        `| ${c.target} | ${c.connections} | ${Math.round(c.rps).toLocaleString('en')} | ${c.p50} | ${c.p99} | ${c.non2xx + c.errors} | ${ratio} |`,
      );
    }
  } finally {
    cleanup();
  }
}

await main();
