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
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MarqueeClient } from '@marquee/client';
import { randomForestModel } from './forest-model.ts';
import { startBenchServer, BENCH_TOKEN as token } from './marquee-process.ts';
import { oipBody } from './oip-body.ts';

const repeats = Number(process.env.BENCH_REPEATS ?? 5);

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
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-cold-'));
  // The default number of serving processes: an upload's first request may reach any of them.
  let server = await startBenchServer([], { dataDir });
  const body = oipBody(1);
  try {
    const mq = new MarqueeClient({ baseUrl: server.url, token });
    const afterUpload: number[] = [];
    const sizes: number[] = [];
    for (let r = 0; r < repeats; r++) {
      // A different forest each time: nothing of the one before can be reused.
      const bytes = randomForestModel(200, 8000, 20, 100 + r);
      sizes.push(bytes.length);
      const name = `cold-${r}`;
      await mq.createModel({ owner: 'admin', name, task: 'classification' });
      await mq.uploadVersion(`admin/${name}`, bytes);
      const ms = await firstInfer(server.port, name, body);
      afterUpload.push(ms);
      console.log(JSON.stringify({ case: 'after upload', model: name, bytes: bytes.length, firstInferMs: ms }));
    }
    await server.stop();
    server = await startBenchServer([], { dataDir });
    const afterRestart: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const ms = await firstInfer(server.port, `cold-${r}`, body);
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
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
