/**
 * npm run bench:batching — what dynamic batching buys, measured from outside with wrk
 * (C, one thread), one 784-value row per request:
 *
 *   models  small MLP 784 → 256 → 10 and big MLP 784 → 2048 → 2048 → 10 (ONNX: Gemm,
 *           Relu, Softmax), the shapes of an image classifier on Fashion-MNIST
 *   bodies  JSON (784 numbers) and binary (Inference-Header-Content-Length, 3,136 bytes of
 *           FP32, the answer asked for as binary too)
 *   servers one `marquee serve --workers 1` each: unbatched (--max-batch-size 1), and
 *           batched (--max-batch-size BENCH_BATCH_SIZE) once per --max-batch-delay-ms in
 *           BENCH_DELAYS
 *
 * Environment: BENCH_CONNECTIONS (64), BENCH_DURATION seconds per cell (10), BENCH_REPEATS
 * (3; cells interleaved repeat by repeat, the median reported), BENCH_DELAYS ("0,1"),
 * BENCH_BATCH_SIZE (64), BENCH_MODELS ("small,big").
 */
import os from 'node:os';
import { MarqueeClient } from '@marquee/client';
import { BENCH_TOKEN, type BenchServer, startBenchServer } from './marquee-process.ts';
import { mlpModel } from './mlp-model.ts';
import { type MlpRowBody, mlpRowBodies } from './mlp-row-bodies.ts';
import { checkWrk, type LoadResult, wrkLoad } from './wrk-load.ts';

const connections = Number(process.env.BENCH_CONNECTIONS ?? 64);
const duration = Number(process.env.BENCH_DURATION ?? 10);
const repeats = Number(process.env.BENCH_REPEATS ?? 3);
const delays = (process.env.BENCH_DELAYS ?? '0,1').split(',').map(Number);
const batchSize = Number(process.env.BENCH_BATCH_SIZE ?? 64);
const MODELS: Record<string, number[]> = { small: [784, 256, 10], big: [784, 2048, 2048, 10] };
const models = (process.env.BENCH_MODELS ?? 'small,big').split(',');
/** The pause before each cell. */
const SETTLE_MS = 1000;

interface Config {
  name: string;
  args: string[];
}

const configs: Config[] = [
  { name: 'unbatched', args: ['--max-batch-size', '1'] },
  ...delays.map((d) => ({
    name: `batched ≤${batchSize} rows, delay ${d} ms`,
    args: ['--max-batch-size', String(batchSize), '--max-batch-delay-ms', String(d)],
  })),
];

/** Answers one request as the load will send it, so a wrong answer is not measured as a fast one. */
async function check(url: string, body: MlpRowBody): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    body: body.bytes,
    headers: { ...body.headers, authorization: `Bearer ${BENCH_TOKEN}` },
  });
  const bytes = Buffer.from(await res.arrayBuffer());
  const headerLength = res.headers.get('inference-header-content-length');
  const json = JSON.parse(bytes.toString('utf8', 0, headerLength ? Number(headerLength) : bytes.length)) as {
    outputs?: Array<{ shape: number[] }>;
  };
  if (res.status !== 200 || json.outputs?.[0]?.shape.join('x') !== '1x10')
    throw new Error(`${url} (${body.kind}) answered ${res.status}: ${bytes.toString('utf8', 0, 300)}`);
}

async function main() {
  await checkWrk();
  const servers: Array<{ config: Config; server: BenchServer }> = [];
  const stopAll = () => Promise.all(servers.map((s) => s.server.stop()));
  process.on('SIGINT', () => void stopAll().then(() => process.exit(130)));
  try {
    for (const config of configs) {
      const server = await startBenchServer(['--workers', '1', ...config.args]);
      servers.push({ config, server });
      const mq = new MarqueeClient({ baseUrl: server.url, token: BENCH_TOKEN });
      for (const m of models) {
        await mq.createModel({ owner: 'admin', name: `mlp-${m}`, task: 'classification' });
        await mq.uploadVersion(`admin/mlp-${m}`, mlpModel(MODELS[m] as number[]));
      }
    }
    const cells = new Map<string, LoadResult[]>();
    const key = (m: string, b: string, c: string) => `${m}|${b}|${c}`;
    for (let rep = 0; rep < repeats; rep++) {
      for (const m of models) {
        for (const body of mlpRowBodies()) {
          for (const { config, server } of servers) {
            const url = `${server.url}/v2/models/admin.mlp-${m}/infer`;
            if (rep === 0) {
              await check(url, body);
              await wrkLoad(url, connections, 3, body.bytes, BENCH_TOKEN, body.headers);
            }
            // The server measured before may still be answering what it held when its
            // generator stopped (64 queued runs of the big MLP unbatched: ~80 ms of CPU),
            // which would fall on the first tenth of a second of this cell.
            await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
            const r = await wrkLoad(url, connections, duration, body.bytes, BENCH_TOKEN, body.headers);
            const k = key(m, body.kind, config.name);
            cells.set(k, [...(cells.get(k) ?? []), r]);
            console.log(
              JSON.stringify({
                model: m,
                body: body.kind,
                config: config.name,
                repeat: rep,
                ...r,
                loadavg1m: os.loadavg()[0],
              }),
            );
          }
        }
      }
    }
    const median = (list: LoadResult[]) =>
      [...list].sort((a, b) => a.rps - b.rps)[Math.floor(list.length / 2)] as LoadResult;
    console.log(
      `\n${new Date().toISOString()}  ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, node ${process.version}, ${connections} connections, median of ${repeats} × ${duration} s per cell, load average ${os.loadavg()[0]?.toFixed(2)}\n`,
    );
    console.log('| model | body | server | req/s | p50 ms | p99 ms | non-2xx, errors | ÷ unbatched |');
    console.log('|---|---|---|---|---|---|---|---|');
    for (const m of models) {
      for (const b of ['json', 'binary']) {
        const base = median(cells.get(key(m, b, 'unbatched')) ?? []);
        for (const { config } of servers) {
          const c = median(cells.get(key(m, b, config.name)) ?? []);
          console.log(
            `| ${m} ${(MODELS[m] as number[]).join('→')} | ${b} | ${config.name} | ${Math.round(c.rps).toLocaleString('en')} | ${c.p50} | ${c.p99} | ${c.non2xx + c.errors} | ${(c.rps / base.rps).toFixed(2)} |`,
          );
        }
      }
    }
  } finally {
    await stopAll();
  }
}

await main();
