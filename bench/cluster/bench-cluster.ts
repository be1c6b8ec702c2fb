/**
 * npm run bench:cluster — the cluster mode, measured in one run on PostgreSQL:
 *
 *   (a) OIP REST infer straight to one API node (logistic regression, ONNX, batch 1)
 *   (b) the same through nginx with one API node behind it
 *   (c) the same through nginx with two API nodes behind it; c ÷ b is what a second
 *       node buys. On a 2-core machine wrk, nginx, PostgreSQL and the nodes share the
 *       same two cores, so the gain is bounded by the machine, not by the design.
 *   (d) job claim latency: four workers idle, a job queued, the time until one runs it
 *       (the jobs table's started_at − created_at), one job at a time, then four at once.
 *   (e) batch prediction rows per second (a trained logistic regression over the breast
 *       cancer rows repeated): 99,999 rows as one job on one worker, and 250,000 rows
 *       split into five 50,000-row sub-jobs over the four workers.
 *
 * Environment: BENCH_DURATION seconds per cell (10), BENCH_CONNECTIONS (16),
 * BENCH_REPEATS (3; targets interleaved, median reported), BENCH_JOBS claims (20),
 * MARQUEE_BENCH_DATABASE_URL (the local PostgreSQL's `test` database: a fresh database is
 * made beside it and dropped at the end).
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MarqueeClient } from '@marquee/client';
import pg from 'pg';
import { logisticRegressionModel } from '../../test/fixtures/onnx-models.ts';
import { spawnServer, spawnWorker } from '../../test/harness/cli-process.ts';
import { labelledBreastCancer } from '../../test/harness/datasets.ts';
import { fixtureFile } from '../../test/harness/fixtures.ts';
import { type Nginx, nginxAvailable, startNginx } from '../../test/harness/nginx.ts';
import { freshDatabase } from '../../test/harness/test-server.ts';
import { oipBody } from '../serve/oip-body.ts';
import { checkWrk, type LoadResult, wrkLoad } from '../serve/wrk-load.ts';

const duration = Number(process.env.BENCH_DURATION ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 16);
const repeats = Number(process.env.BENCH_REPEATS ?? 3);
const claims = Number(process.env.BENCH_JOBS ?? 20);
const token = 'mq_bench-cluster-admin-token-000000000000000000';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))] as number;

/** Uploads the first `n` rows of `lines` (header first), repeating the rows as needed; answers its `owner/name@1`. */
async function uploadRows(mq: MarqueeClient, name: string, lines: string[], n: number): Promise<string> {
  const [header, ...rows] = lines;
  const out = [header as string];
  for (let i = 0; i < n; i++) out.push(rows[i % rows.length] as string);
  await mq.createDataset({ owner: 'admin', name });
  await mq.uploadDatasetVersion(`admin/${name}`, new TextEncoder().encode(out.join('\n')), 'csv');
  return `admin/${name}@1`;
}

async function main() {
  await checkWrk();
  if (!nginxAvailable()) throw new Error('the cluster benchmark needs nginx: apt-get install -y nginx');
  const database = await freshDatabase(process.env.MARQUEE_BENCH_DATABASE_URL);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-bench-cluster-'));
  const env = { MARQUEE_ADMIN_TOKEN: token, MARQUEE_LOG_LEVEL: 'warn', MARQUEE_DATABASE_URL: database.url };
  const children: Array<{ child: ChildProcess }> = [];
  const proxies: Nginx[] = [];
  try {
    const apiArgs = ['--port', '0', '--grpc-port', '0', '--host', '127.0.0.1', '--data', dataDir, '--no-jobs'];
    const first = await spawnServer(apiArgs, env);
    children.push(first);
    const second = await spawnServer(apiArgs, env);
    children.push(second);
    const mq = new MarqueeClient({ baseUrl: first.url, token });
    await mq.createModel({ owner: 'admin', name: 'bench-lr', task: 'classification' });
    await mq.uploadVersion('admin/bench-lr', logisticRegressionModel().bytes);
    const port = (u: string) => Number(new URL(u).port);
    proxies.push(await startNginx({ http: [port(first.url)], grpc: [first.grpcPort] }));
    proxies.push(
      await startNginx({ http: [first.url, second.url].map(port), grpc: [first.grpcPort, second.grpcPort] }),
    );
    const infer = (base: string) => `${base}/v2/models/admin.bench-lr/infer`;
    const targets = [
      { target: 'a-one-node-direct', url: infer(first.url) },
      { target: 'b-nginx-one-node', url: infer(`http://127.0.0.1:${proxies[0]?.httpPort}`) },
      { target: 'c-nginx-two-nodes', url: infer(`http://127.0.0.1:${proxies[1]?.httpPort}`) },
    ];
    const body = oipBody(1);
    for (const t of targets) {
      const res = await fetch(t.url, { method: 'POST', body, headers: { authorization: `Bearer ${token}` } });
      if (res.status !== 200) throw new Error(`${t.target} answered ${res.status}: ${await res.text()}`);
    }
    // Warm both nodes (sessions loaded, hot paths compiled) through the two-node proxy.
    await wrkLoad(targets[2]?.url as string, 8, 3, body, token);
    const runs = new Map<string, LoadResult[]>();
    for (let rep = 0; rep < repeats; rep++) {
      // Interleaved, the order turned each repeat: drift on a shared machine hits all alike.
      const order = rep % 2 === 0 ? targets : [...targets].reverse();
      for (const t of order) {
        const r = await wrkLoad(t.url, connections, duration, body, token);
        runs.set(t.target, [...(runs.get(t.target) ?? []), r]);
        console.log(JSON.stringify({ target: t.target, connections, repeat: rep, ...r, loadavg1m: os.loadavg()[0] }));
      }
    }
    const rps = (name: string) => median((runs.get(name) ?? []).map((r) => r.rps));
    const cell = (name: string) => {
      const list = runs.get(name) ?? [];
      const mid = [...list].sort((a, b) => a.rps - b.rps)[Math.floor(list.length / 2)] as LoadResult;
      return mid;
    };

    // Job claim latency with four idle workers.
    for (let i = 0; i < 4; i++)
      children.push(
        await spawnWorker(['--port', '0', '--host', '127.0.0.1', '--data', dataDir], {
          ...env,
          MARQUEE_JOB_CONCURRENCY: '1',
          MARQUEE_BATCH_RANGE_ROWS: '50000',
        }),
      );
    await mq.createDataset({ owner: 'admin', name: 'iris' });
    await mq.uploadDatasetVersion('admin/iris', fixtureFile('tabular-sklearn/iris.csv'), 'csv');
    const db = new pg.Client({ connectionString: database.url });
    await db.connect();
    const claimMs = async (ids: string[]): Promise<number[]> => {
      for (;;) {
        const { rows } = await db.query<{ created_at: string; started_at: string | null; state: string }>(
          'SELECT created_at, started_at, state FROM jobs WHERE id = ANY($1)',
          [ids],
        );
        if (rows.length === ids.length && rows.every((r) => r.state !== 'queued' && r.state !== 'running'))
          return rows.map((r) => Date.parse(r.started_at as string) - Date.parse(r.created_at));
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const job = () =>
      mq.train({
        model: 'admin/iris-lr',
        dataset: 'admin/iris@1',
        task: 'classification',
        algorithm: 'logistic-regression',
        target: 'target',
      });
    await claimMs([(await job()).id]); // warm: the workers' first job loads the engine
    const single: number[] = [];
    for (let i = 0; i < claims; i++) single.push(...(await claimMs([(await job()).id])));
    const burst: number[] = [];
    for (let i = 0; i < Math.max(1, Math.floor(claims / 4)); i++)
      burst.push(...(await claimMs(await Promise.all([job(), job(), job(), job()]).then((js) => js.map((j) => j.id)))));

    // Batch predictions: rows per second, whole and split.
    const cancer = new TextDecoder().decode(labelledBreastCancer()).trim().split('\n');
    const trained = await mq.followJob(
      (
        await mq.train({
          model: 'admin/cancer-lr',
          dataset: await uploadRows(mq, 'cancer-569', cancer, 569),
          task: 'classification',
          algorithm: 'logistic-regression',
          target: 'diagnosis',
        })
      ).id,
    );
    if (trained.state !== 'succeeded') throw new Error(`training failed: ${trained.error}`);
    const batch: Array<{ rows: number; parts: number; seconds: number }> = [];
    for (const n of [99_999, 250_000]) {
      const dataset = await uploadRows(mq, `cancer-${n}`, cancer, n);
      const id = (await mq.batchPredict({ model: 'admin/cancer-lr@1', dataset })).id;
      const done = await mq.followJob(id);
      if (done.state !== 'succeeded') throw new Error(`batch prediction failed: ${done.error}`);
      const { rows } = await db.query<{ started_at: string; finished_at: string; parts: number }>(
        'SELECT started_at, finished_at, (SELECT count(*) FROM jobs c WHERE c.parent_id = j.id) AS parts FROM jobs j WHERE id = $1',
        [id],
      );
      const r = rows[0] as { started_at: string; finished_at: string; parts: number };
      batch.push({
        rows: n,
        parts: Number(r.parts),
        seconds: (Date.parse(r.finished_at) - Date.parse(r.started_at)) / 1000,
      });
      console.log(JSON.stringify({ batch: batch.at(-1) }));
    }
    await db.end();

    const cpu = os.cpus()[0]?.model ?? '?';
    console.log(
      `\n${new Date().toISOString()}  ${os.cpus().length} × ${cpu}, node ${process.version}, PostgreSQL, median of ${repeats} × ${duration} s per cell, ${connections} connections, batch 1, load average ${os.loadavg()[0]?.toFixed(2)}\n`,
    );
    console.log('| target | req/s | p50 ms | p99 ms | non-2xx, errors |');
    console.log('|---|---|---|---|---|');
    for (const t of targets) {
      const c = cell(t.target);
      console.log(
        `| ${t.target} | ${Math.round(c.rps).toLocaleString('en')} | ${c.p50} | ${c.p99} | ${c.non2xx + c.errors} |`,
      );
    }
    console.log(
      `\nthrough nginx, two API nodes ÷ one: ${(rps('c-nginx-two-nodes') / rps('b-nginx-one-node')).toFixed(2)}; nginx, one node ÷ direct: ${(rps('b-nginx-one-node') / rps('a-one-node-direct')).toFixed(2)}`,
    );
    const ms = (xs: number[]) =>
      `median ${median(xs)} ms, p95 ${pct(xs, 95)} ms, max ${Math.max(...xs)} ms (${xs.length} jobs)`;
    console.log(`job claim latency (queued → running), four idle workers, one job at a time: ${ms(single)}`);
    console.log(`job claim latency, four jobs queued at once for four workers: ${ms(burst)}`);
    for (const b of batch)
      console.log(
        `batch prediction, ${b.rows.toLocaleString('en')} rows, ${b.parts ? `${b.parts} sub-jobs over four workers` : 'one job on one worker'}: ${b.seconds.toFixed(1)} s, ${Math.round(b.rows / b.seconds).toLocaleString('en')} rows/s`,
      );
  } finally {
    for (const c of children) c.child.kill('SIGKILL');
    for (const p of proxies) await p.stop();
    await new Promise((r) => setTimeout(r, 300));
    await database.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
