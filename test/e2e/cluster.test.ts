import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { MarqueeClient, type TrainingJob } from '@marquee/client';
import { spawnServer, spawnWorker } from '../harness/cli-process.ts';
import { labelledBreastCancer } from '../harness/datasets.ts';
import { type Nginx, nginxAvailable, startNginx } from '../harness/nginx.ts';
import { freshDatabase, grpcCall, grpcClient, startTestServer } from '../harness/test-server.ts';
import { until } from '../harness/until.ts';

const TOKEN = 'cluster-test-admin-token-0123456789';
const CARD = `---
license: mit
task: classification
metrics:
  accuracy: 0.5
---
# Breast cancer, clustered

Tells malignant from benign tumours from 30 measurements.

## Intended use

Testing the cluster mode.

## Training data

Wisconsin breast cancer, 569 rows; 80% to train, 20% held out.

## Limitations

Not for diagnosis.
`;

function killed(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((r) => child.once('exit', () => r()));
}

/** The rows of the breast-cancer fixture as OIP inputs (one FP32 column each). */
function cancerRows(n: number): { inputs: Array<{ name: string; datatype: 'FP32'; shape: number[]; data: number[] }> } {
  const [head, ...lines] = new TextDecoder().decode(labelledBreastCancer()).trim().split('\n');
  const header = (head as string).split(',');
  const rows = lines.slice(0, n).map((l) => l.split(','));
  return {
    inputs: header
      .map((name, j) => ({ name, j }))
      .filter(({ name }) => name !== 'diagnosis')
      .map(({ name, j }) => ({ name, datatype: 'FP32', shape: [n, 1], data: rows.map((r) => Number(r[j])) })),
  };
}

// The cluster is PostgreSQL's own: it runs once, in the first pass (test:pg repeats the
// single-node suites on PostgreSQL; this one is on PostgreSQL already).
const SECOND_PASS = Boolean(process.env.MARQUEE_TEST_DATABASE_URL);

describe('a cluster: two API nodes and two workers on PostgreSQL, behind nginx', { skip: SECOND_PASS }, () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-cluster-'));
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  const apis: Array<Awaited<ReturnType<typeof spawnServer>>> = [];
  const workers: Array<Awaited<ReturnType<typeof spawnWorker>>> = [];
  let nginx: Nginx;
  let lb: MarqueeClient;
  let trained: TrainingJob;
  const workerArgs = ['--port', '0', '--host', '127.0.0.1', '--data', dataDir, '--job-lease', '2'];
  let workerEnv: Record<string, string> = {};
  const deliveries: string[] = [];
  const receiver = http.createServer((req, res) => {
    deliveries.push(`${req.headers['marquee-delivery']} ${req.headers['marquee-event']}`);
    req.resume();
    req.on('end', () => res.writeHead(200).end());
  });

  before(async () => {
    assert.ok(nginxAvailable(), 'nginx is installed (apt-get install -y nginx; .ci/run does it)');
    database = await freshDatabase();
    const env = {
      MARQUEE_ADMIN_TOKEN: TOKEN,
      MARQUEE_LOG_LEVEL: 'warn',
      MARQUEE_DATABASE_URL: database.url,
      MARQUEE_WEBHOOKS_ALLOW_PRIVATE: '1',
    };
    const apiArgs = ['--port', '0', '--grpc-port', '0', '--host', '127.0.0.1', '--data', dataDir, '--no-jobs'];
    // The first node migrates the database and makes the admin; the others join it.
    apis.push(await spawnServer(apiArgs, env));
    apis.push(await spawnServer(apiArgs, env));
    workerEnv = { ...env, MARQUEE_JOB_CONCURRENCY: '1', MARQUEE_BATCH_RANGE_ROWS: '200' };
    workers.push(...(await Promise.all([spawnWorker(workerArgs, workerEnv), spawnWorker(workerArgs, workerEnv)])));
    nginx = await startNginx({ http: apis.map((a) => Number(new URL(a.url).port)), grpc: apis.map((a) => a.grpcPort) });
    lb = new MarqueeClient({ baseUrl: `http://127.0.0.1:${nginx.httpPort}`, token: TOKEN });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  });

  after(async () => {
    for (const p of [...apis, ...workers]) p.child.kill('SIGKILL');
    await Promise.all([...apis, ...workers].map((p) => killed(p.child)));
    await nginx?.stop();
    receiver.close();
    await database?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('through nginx: upload, train on a worker that is killed mid-job, predict over REST and gRPC, publish, search', async () => {
    await lb.createWebhook({
      owner: 'admin',
      url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
      events: ['training.succeeded', 'model.version.created', 'model.published'],
      secret: 'a-long-enough-shared-secret',
    });
    await lb.createDataset({ owner: 'admin', name: 'cancer' });
    await lb.uploadDatasetVersion('admin/cancer', labelledBreastCancer(), 'csv');
    await lb.createModel({ owner: 'admin', name: 'cancer', task: 'classification', visibility: 'public' });
    const job = await lb.train({
      model: 'admin/cancer',
      dataset: 'admin/cancer@1',
      task: 'classification',
      algorithm: 'mlp',
      target: 'diagnosis',
      params: { hiddenLayers: [256, 256], maxIter: 400 },
    });
    // Followed over SSE through nginx, from whichever API node; the job runs on a worker.
    const events: string[] = [];
    const following = lb.followJob(job.id, (e) => events.push(e.type));
    const busy = await until('a worker training', async () => {
      for (const w of workers) {
        const h = (await (await fetch(`${w.url}/healthz`)).json()) as { runningJobs: number };
        if (h.runningJobs > 0) return w;
      }
      return undefined;
    });
    await until('training progress', async () => ((await lb.getJob(job.id)).progress?.percent ?? 0) > 3);
    busy.child.kill('SIGKILL');
    await killed(busy.child);
    // A new worker joins in its place (for the tests after this one).
    workers.splice(workers.indexOf(busy), 1, await spawnWorker(workerArgs, workerEnv));
    trained = await following;
    assert.equal(trained.state, 'succeeded', trained.error ?? '');
    assert.equal(trained.attempts, 2, 'the second worker took the job over once the lease lapsed');
    assert.ok(events.filter((e) => e === 'progress').length > 0, 'progress reached the SSE client');
    assert.deepEqual(
      (await lb.listVersions('admin/cancer')).map((v) => v.version),
      [1],
      'exactly one version',
    );

    const { inputs } = cancerRows(8);
    const rest = await lb.oip.infer('admin.cancer', inputs);
    const labels = rest.outputs.find((o) => o.name === 'label_name')?.data as string[];
    assert.equal(labels.length, 8);
    const g = grpcClient(nginx.grpcPort);
    const viaGrpc = await grpcCall(
      g,
      'ModelInfer',
      {
        model_name: 'admin.cancer',
        inputs: inputs.map((t) => ({ ...t, contents: { fp32_contents: t.data }, data: undefined })),
      },
      TOKEN,
    );
    assert.equal(viaGrpc.model_version, '1');
    g.close();

    await lb.putCard('admin/cancer', CARD);
    const publish = await lb.followJob((await lb.publish('admin/cancer', 1)).id);
    assert.equal(publish.state, 'succeeded', publish.error ?? '');
    assert.equal((publish.result as { passed: boolean }).passed, true, JSON.stringify(publish.result));
    const found = await lb.search({ q: 'malignant' });
    assert.deepEqual(
      found.items.map((i) => i.model),
      ['admin/cancer'],
    );
    // Every node dispatches the outbox; each delivery arrived once.
    await until('three webhook deliveries', async () => deliveries.length >= 3 || undefined, 20_000);
    await new Promise((r) => setTimeout(r, 1_500));
    assert.equal(new Set(deliveries).size, deliveries.length, `no delivery twice: ${deliveries.join(', ')}`);
    assert.deepEqual(deliveries.map((d) => d.split(' ')[1]).sort(), [
      'model.published',
      'model.version.created',
      'training.succeeded',
    ]);
  });

  test('a revoked token and a moved alias count on every node within a second', async (t) => {
    const [a, b] = apis.map((n) => new MarqueeClient({ baseUrl: n.url, token: TOKEN })) as [
      MarqueeClient,
      MarqueeClient,
    ];
    const { token, id } = await a.createToken({ name: 'short-lived', scopes: ['read', 'predict'] });
    const onB = new MarqueeClient({ baseUrl: apis[1]?.url as string, token });
    await onB.me(); // cached on node b
    const revokedAt = Date.now();
    await a.deleteToken(id);
    await until(
      'node b refusing the token',
      async () =>
        onB.me().then(
          () => false,
          () => true,
        ),
      1_000,
    );
    const revokeMs = Date.now() - revokedAt;
    assert.ok(revokeMs <= 1_000);

    const second = await b.followJob(
      (
        await b.train({
          model: 'admin/cancer',
          dataset: 'admin/cancer@1',
          task: 'classification',
          algorithm: 'logistic-regression',
          target: 'diagnosis',
        })
      ).id,
    );
    assert.equal(second.state, 'succeeded', second.error ?? '');
    const { inputs } = cancerRows(1);
    await a.setAlias('admin/cancer', 'prod', 1);
    assert.equal((await b.oip.infer('admin.cancer', inputs, { version: 'prod' })).model_version, '1');
    const movedAt = Date.now();
    await a.setAlias('admin/cancer', 'prod', 2);
    await until(
      'node b serving the moved alias',
      async () => (await b.oip.infer('admin.cancer', inputs, { version: 'prod' })).model_version === '2',
      1_000,
    );
    const moveMs = Date.now() - movedAt;
    assert.ok(moveMs <= 1_000);
    t.diagnostic(`revoked token refused on the other node after ${revokeMs} ms; moved alias served after ${moveMs} ms`);
  });

  test('rate limits are counted across nodes', async (t) => {
    // 1,200 API calls a minute per token (the default); 700 on each node make 1,400.
    const { token } = await lb.createToken({ name: 'limited', scopes: ['read'] });
    const calls = async (url: string) => {
      let refused = 0;
      for (let i = 0; i < 700; i++) {
        const res = await fetch(`${url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
        await res.arrayBuffer();
        if (res.status === 429) refused++;
        else assert.equal(res.status, 200);
      }
      return refused;
    };
    // The window is a clock minute: start early in one, so that the calls do not straddle two.
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 40_000) await sleep(60_100 - intoMinute);
    const [ra, rb] = await Promise.all(apis.map((n) => calls(n.url)));
    const refused = (ra as number) + (rb as number);
    t.diagnostic(`${refused} of 1,400 calls refused (limit 1,200)`);
    // Never fewer than 200; a few more when one node's callers stop holding a reservation.
    assert.ok(refused >= 200 && refused <= 210, `${refused} of 1,400 refused`);
  });

  test('a search and a cross-validation spread over both workers give what one node gives', async (t) => {
    const searchRequest = {
      model: 'admin/cancer-search',
      dataset: 'admin/cancer@1',
      task: 'classification' as const,
      algorithm: 'random-forest',
      target: 'diagnosis',
      params: { nEstimators: 20 },
      search: { strategy: 'grid' as const, space: { maxDepth: [2, 4, 8], minSamplesLeaf: [1, 10] }, folds: 3 },
    };
    const { search: _none, ...plain } = searchRequest;
    const cvRequest = { ...plain, model: 'admin/cancer-cv', split: { kFolds: 4 } };
    const spread = await Promise.all([searchRequest, cvRequest].map(async (r) => lb.followJob((await lb.train(r)).id)));
    for (const j of spread) assert.equal(j.state, 'succeeded', j.error ?? '');
    // The sub-jobs, as the database holds them: which worker ran each.
    const pg = await import('pg');
    const db = new pg.default.Client({ connectionString: database.url });
    await db.connect();
    const { rows } = await db.query<{ parent_id: string; state: string; lease_owner: string }>(
      'SELECT parent_id, state, lease_owner FROM jobs WHERE parent_id = ANY($1)',
      [spread.map((j) => j.id)],
    );
    await db.end();
    assert.equal(rows.filter((r) => r.parent_id === spread[0]?.id).length, 6, 'one sub-job per combination');
    assert.equal(rows.filter((r) => r.parent_id === spread[1]?.id).length, 4, 'one sub-job per fold');
    assert.ok(rows.every((r) => r.state === 'succeeded'));
    const ranOn = new Set(rows.map((r) => r.lease_owner));
    t.diagnostic(`${rows.length} sub-jobs ran on ${ranOn.size} workers`);
    assert.equal(ranOn.size, workers.length, 'every worker took some');
    assert.ok(
      (await lb.listJobs()).every((j) => !j.id.includes('.')),
      'sub-jobs are not listed as jobs',
    );

    // The same two jobs on one embedded node (SQLite, one process): the same numbers.
    const single = await startTestServer();
    try {
      await single.admin.createDataset({ owner: 'admin', name: 'cancer' });
      await single.admin.uploadDatasetVersion('admin/cancer', labelledBreastCancer(), 'csv');
      const alone = [];
      for (const r of [searchRequest, cvRequest])
        alone.push(await single.admin.followJob((await single.admin.train(r)).id));
      const details = async (c: MarqueeClient, model: string, v: number) =>
        (await c.getVersion(model, v)).details as {
          search?: { trials: Array<{ mean: number; params: unknown }>; best: number };
          crossValidation?: { values: number[] };
          metrics: Record<string, number>;
          params: Record<string, unknown>;
        };
      const [s1, s2] = [
        await details(lb, 'admin/cancer-search', spread[0]?.result?.version as number),
        await details(single.admin, 'admin/cancer-search', alone[0]?.result?.version as number),
      ];
      assert.deepEqual(s1.search?.trials, s2.search?.trials);
      assert.equal(s1.search?.best, s2.search?.best);
      assert.deepEqual(s1.params, s2.params);
      assert.deepEqual(s1.metrics, s2.metrics);
      const [c1, c2] = [
        await details(lb, 'admin/cancer-cv', spread[1]?.result?.version as number),
        await details(single.admin, 'admin/cancer-cv', alone[1]?.result?.version as number),
      ];
      assert.equal(c1.crossValidation?.values.length, 4);
      assert.deepEqual(c1.crossValidation, c2.crossValidation);
      assert.deepEqual(c1.metrics, c2.metrics);
    } finally {
      await single.close();
    }
  });

  test('batch predictions are split by row ranges across workers and put together in order', async () => {
    // 569 rows, parts of 200 (MARQUEE_BATCH_RANGE_ROWS): three sub-jobs.
    const split = await lb.followJob(
      (await lb.batchPredict({ model: 'admin/cancer@1', dataset: 'admin/cancer@1' })).id,
    );
    assert.equal(split.state, 'succeeded', split.error ?? '');
    assert.equal(split.result?.rows, 569);
    // The first 300 rows alone are fewer than two parts: predicted by one job, unsplit.
    const lines = new TextDecoder().decode(labelledBreastCancer()).trim().split('\n');
    await lb.createDataset({ owner: 'admin', name: 'cancer-head' });
    await lb.uploadDatasetVersion('admin/cancer-head', new TextEncoder().encode(lines.slice(0, 301).join('\n')), 'csv');
    const whole = await lb.followJob(
      (await lb.batchPredict({ model: 'admin/cancer@1', dataset: 'admin/cancer-head@1' })).id,
    );
    assert.equal(whole.state, 'succeeded', whole.error ?? '');
    const [splitRef, wholeRef] = [split, whole].map((j) => String(j.result?.dataset).split('@')) as [
      [string, string],
      [string, string],
    ];
    const a = await lb.previewDataset(splitRef[0], Number(splitRef[1]), 1000);
    const b = await lb.previewDataset(wholeRef[0], Number(wholeRef[1]), 1000);
    assert.equal(a.rows.length, 569);
    assert.deepEqual(a.rows.slice(0, 300), b.rows, 'the same rows, in order, with the same predictions');
    assert.deepEqual(
      a.rows.map((r) => r['mean radius']),
      lines.slice(1).map((l) => Number(l.split(',')[0])),
    );
    const db = new (await import('pg')).default.Client({ connectionString: database.url });
    await db.connect();
    const parts = await db.query('SELECT spec FROM jobs WHERE parent_id = $1', [split.id]);
    await db.end();
    assert.deepEqual(
      parts.rows
        .map((r) => (JSON.parse(r.spec) as { range: { start: number; end: number } }).range)
        .sort((x, y) => x.start - y.start),
      [
        { start: 0, end: 189 },
        { start: 189, end: 379 },
        { start: 379, end: 569 },
      ],
    );
  });

  test('kill -9 of an API node under OIP load: only requests in flight on it fail, nothing stored is lost', async (t) => {
    const { inputs } = cancerRows(1);
    const url = `http://127.0.0.1:${nginx.httpPort}/v2/models/admin.cancer/infer`;
    const body = JSON.stringify({ inputs });
    const failures: number[] = [];
    let ok = 0;
    const started = Date.now();
    let killedAt = Number.POSITIVE_INFINITY;
    const CONNECTIONS = 8;
    const loop = async () => {
      while (Date.now() - started < 4_000) {
        try {
          const res = await fetch(url, {
            method: 'POST',
            body,
            headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
          });
          await res.arrayBuffer();
          if (res.status === 200) ok++;
          else failures.push(Date.now());
        } catch {
          failures.push(Date.now());
        }
      }
    };
    const load = Promise.all(Array.from({ length: CONNECTIONS }, loop));
    await new Promise((r) => setTimeout(r, 1_500));
    const victim = apis[1] as (typeof apis)[number];
    killedAt = Date.now();
    victim.child.kill('SIGKILL');
    await load;
    t.diagnostic(`${ok} answered, ${failures.length} failed as the node died`);
    assert.ok(ok > 100, `${ok} requests answered`);
    assert.ok(
      failures.length <= CONNECTIONS,
      `${failures.length} failed; at most the ${CONNECTIONS} in flight could be on the killed node`,
    );
    for (const at of failures) assert.ok(at >= killedAt && at - killedAt < 1_000, 'failures only as the node died');
    // What was stored is all there, through the surviving node.
    assert.deepEqual(
      (await lb.listVersions('admin/cancer')).map((v) => v.version),
      [1, 2],
    );
    assert.equal((await lb.getJob(trained.id)).state, 'succeeded');
    assert.equal((await lb.search({ q: 'malignant' })).total, 1);
  });
});
