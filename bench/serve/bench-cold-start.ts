/**
 * npm run bench:cold-start — how long a large ONNX model takes to answer its first
 * request: right after its upload finished, and as the first request after a restart.
 * Goal (issue 14): within 100 ms for a 10 MB model.
 *
 * A fresh `marquee serve` (its own process, a temporary data folder); BENCH_REPEATS (5)
 * uploads of distinct ~10 MB random forests (ONNX TreeEnsembleClassifier), each followed
 * at once by an OIP REST infer; then the server is stopped and started again and the
 * first infer on each model is timed from the moment the server says it listens.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MarqueeClient } from '@marquee/client';
import { randomForestModel } from './forest-model.ts';
import { oipBody } from './oip-body.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, '..', '..');
const repeats = Number(process.env.BENCH_REPEATS ?? 5);
const token = 'mq_bench-admin-token-0000000000000000000000000';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function serve(dir: string, port: number, grpcPort: number): ChildProcess {
  return spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(root, 'packages', 'cli', 'src', 'run.ts'),
      'serve',
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--grpc-port',
      String(grpcPort),
      '--data',
      dir,
      '--log-level',
      'warn',
    ],
    { cwd: root, env: { ...process.env, MARQUEE_ADMIN_TOKEN: token }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
}

function listening(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d) => {
      out += d;
      if (/Marquee http/.test(out)) resolve();
    });
    child.on('exit', (code) => reject(new Error(`the server exited with ${code}:\n${out}`)));
  });
}

/** Milliseconds until the first infer answers 200 (it is sent at once). */
async function firstInfer(port: number, model: string, body: string): Promise<number> {
  const started = performance.now();
  const res = await fetch(`http://127.0.0.1:${port}/v2/models/admin.${model}/infer`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${model} answered ${res.status}: ${text}`);
  return performance.now() - started;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-cold-'));
  const [port, grpcPort] = [await freePort(), await freePort()];
  let server = serve(dir, port, grpcPort);
  const body = oipBody(1);
  try {
    await listening(server);
    const mq = new MarqueeClient({ baseUrl: `http://127.0.0.1:${port}`, token });
    const afterUpload: number[] = [];
    const sizes: number[] = [];
    for (let r = 0; r < repeats; r++) {
      // A different forest each time: nothing of the one before can be reused.
      const bytes = randomForestModel(200, 8000, 20, 100 + r);
      sizes.push(bytes.length);
      const name = `cold-${r}`;
      await mq.createModel({ owner: 'admin', name, task: 'classification' });
      await mq.uploadVersion(`admin/${name}`, bytes);
      const ms = await firstInfer(port, name, body);
      afterUpload.push(ms);
      console.log(JSON.stringify({ case: 'after upload', model: name, bytes: bytes.length, firstInferMs: ms }));
    }
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    server = serve(dir, port, grpcPort);
    await listening(server);
    const afterRestart: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const ms = await firstInfer(port, `cold-${r}`, body);
      afterRestart.push(ms);
      console.log(JSON.stringify({ case: 'after restart', model: `cold-${r}`, firstInferMs: ms }));
    }
    const mb = (median(sizes) / 1e6).toFixed(1);
    console.log(
      `\n${new Date().toISOString()}  ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, node ${process.version}, load average ${os.loadavg()[0]?.toFixed(2)}\n`,
    );
    console.log('| case | model | first infer, median (min–max) | goal |');
    console.log('|---|---|---|---|');
    for (const [label, xs] of [
      ['right after the upload', afterUpload],
      ['first request after a restart', afterRestart],
    ] as const) {
      const ok = median(xs) <= 100 ? 'met' : 'NOT met';
      console.log(
        `| ${label} | ${mb} MB forest (200 trees) | ${median(xs).toFixed(0)} ms (${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}) | ≤ 100 ms: ${ok} |`,
      );
    }
  } finally {
    server.kill('SIGTERM');
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
