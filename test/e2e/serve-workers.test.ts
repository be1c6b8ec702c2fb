import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { MarqueeClient } from '@marquee/client';
import { logisticRegressionModel } from '../fixtures/onnx-models.ts';
import { runCli, spawnServer } from '../harness/cli-process.ts';
import { labelledBreastCancer } from '../harness/datasets.ts';
import { grpcCall, grpcClient } from '../harness/test-server.ts';
import { until } from '../harness/until.ts';

/** One request on a connection of its own, so that node:cluster may hand it to either process. */
function fresh(
  url: string,
  method: string,
  token: string | undefined,
  body?: unknown,
): Promise<{ status: number; json: any; text: string }> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      url,
      {
        method,
        agent: false,
        headers: {
          ...(token && { authorization: `Bearer ${token}` }),
          ...(data && { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) }),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (d) => {
          text += d;
        });
        res.on('end', () => {
          const json = /json/.test(res.headers['content-type'] ?? '') ? JSON.parse(text) : undefined;
          resolve({ status: res.statusCode ?? 0, json, text });
        });
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

/** The pids of the serving processes under the supervisor. */
function workerPids(supervisor: number): number[] {
  const out = execFileSync('ps', ['-o', 'pid=', '--ppid', String(supervisor)], { encoding: 'utf8' });
  return out.split('\n').map(Number).filter(Boolean);
}

// One SQLite data folder (the default mode); repeated on PostgreSQL it would test the same.
const SECOND_PASS = Boolean(process.env.MARQUEE_TEST_DATABASE_URL);

describe('marquee serve --workers 2: two processes on the same ports and data folder', { skip: SECOND_PASS }, () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-workers-'));
  let server: Awaited<ReturnType<typeof spawnServer>>;
  let url: string;
  const body = { inputs: [{ name: 'input-0', datatype: 'FP32', shape: [1, 20], data: new Array(20).fill(0.5) }] };
  const infer = (token: string) => fresh(`${url}/v2/models/admin.lr/infer`, 'POST', token, body);

  before(async () => {
    server = await spawnServer(
      ['--workers', '2', '--port', '0', '--grpc-port', '0', '--host', '127.0.0.1', '--data', dataDir],
      { MARQUEE_LOG_LEVEL: 'warn' },
    );
    url = server.url;
  });

  after(async () => {
    if (server.child.exitCode === null) {
      server.child.kill('SIGKILL');
      await new Promise((r) => server.child.once('exit', r));
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('both processes answer on the one port; the admin is made once', async () => {
    assert.match(server.output(), /, 2 processes/);
    const seen = new Set<number>();
    await until('both processes answering', async () => {
      const h = await fresh(`${url}/healthz`, 'GET', undefined);
      seen.add(h.json.worker);
      return seen.size === 2;
    });
    assert.deepEqual([...seen].sort(), [1, 2]);
    assert.equal(workerPids(server.child.pid as number).length, 2);
  });

  test('what one process writes, the other serves; REST and gRPC on the shared ports', async () => {
    // No MARQUEE_ADMIN_TOKEN: the generated token is in the data folder.
    const admin = fs.readFileSync(path.join(dataDir, 'admin-token'), 'utf8').trim();
    const client = new MarqueeClient({ baseUrl: url, token: admin });
    await client.createModel({ owner: 'admin', name: 'lr', task: 'classification' });
    await client.uploadVersion('admin/lr', logisticRegressionModel().bytes);
    // Loaded by both when the upload answers: the uploader told the other and waited for it.
    for (let i = 0; i < 6; i++) {
      const metrics = await fresh(`${url}/metrics`, 'GET', admin);
      assert.match(metrics.text, /marquee_model_memory_bytes\{model="admin\/lr"/, `process asked ${i}`);
    }
    for (let i = 0; i < 6; i++) assert.equal((await infer(admin)).status, 200);
    const grpc = grpcClient(server.grpcPort);
    try {
      const reply = await grpcCall(
        grpc,
        'ModelInfer',
        {
          model_name: 'admin.lr',
          inputs: [
            { name: 'input-0', datatype: 'FP32', shape: [1, 20], contents: { fp32_contents: body.inputs[0]?.data } },
          ],
        },
        admin,
      );
      assert.ok(reply.raw_output_contents.length > 0);
    } finally {
      grpc.close();
    }
  });

  test('GET /metrics from either process counts the requests both served', async () => {
    const admin = fs.readFileSync(path.join(dataDir, 'admin-token'), 'utf8').trim();
    const served = async () => {
      const res = await fresh(`${url}/metrics`, 'GET', admin);
      assert.equal(res.status, 200);
      const line = res.text
        .split('\n')
        .find(
          (l) =>
            l.startsWith('marquee_requests_total{') && l.includes('model="admin/lr"') && l.includes('status="200"'),
        );
      return Number(line?.split(' ').pop() ?? 0);
    };
    const before = await served();
    for (let i = 0; i < 10; i++) assert.equal((await infer(admin)).status, 200);
    // Every scrape, whichever process takes it, sees all ten.
    for (let i = 0; i < 4; i++) assert.equal(await served(), before + 10, `scrape ${i}`);
  });

  test('a revoked token and a deleted model are refused by both processes at once', async () => {
    const admin = fs.readFileSync(path.join(dataDir, 'admin-token'), 'utf8').trim();
    const client = new MarqueeClient({ baseUrl: url, token: admin });
    const made = await client.createToken({ name: 'short-lived', scopes: ['read', 'predict'] });
    // Cached as valid by both processes first.
    for (let i = 0; i < 6; i++) assert.equal((await infer(made.token)).status, 200);
    assert.equal((await fresh(`${url}/api/v1/tokens/${made.id}`, 'DELETE', admin)).status, 204);
    for (let i = 0; i < 6; i++) assert.equal((await infer(made.token)).status, 401, `request ${i} after revoking`);
    await client.createModel({ owner: 'admin', name: 'gone', task: 'classification' });
    await client.uploadVersion('admin/gone', logisticRegressionModel().bytes);
    const gone = () => fresh(`${url}/v2/models/admin.gone/infer`, 'POST', admin, body);
    for (let i = 0; i < 6; i++) assert.equal((await gone()).status, 200);
    assert.equal((await fresh(`${url}/api/v1/models/admin/gone`, 'DELETE', admin)).status, 204);
    for (let i = 0; i < 6; i++) assert.equal((await gone()).status, 404, `request ${i} after deleting`);
  });

  test('writes from both processes at once all land (one SQLite file, transactions that wait their turn)', async () => {
    const admin = fs.readFileSync(path.join(dataDir, 'admin-token'), 'utf8').trim();
    const client = new MarqueeClient({ baseUrl: url, token: admin });
    await client.createModel({ owner: 'admin', name: 'many', task: 'classification' });
    const bytes = logisticRegressionModel().bytes;
    const uploads = await Promise.all(
      Array.from(
        { length: 12 },
        () =>
          new Promise<number>((resolve, reject) => {
            const req = http.request(`${url}/api/v1/models/admin/many/versions`, {
              method: 'POST',
              agent: false,
              headers: {
                authorization: `Bearer ${admin}`,
                'content-type': 'application/octet-stream',
                'content-length': bytes.byteLength,
              },
            });
            req.on('response', (res) => {
              res.resume();
              resolve(res.statusCode ?? 0);
            });
            req.on('error', reject);
            req.end(bytes);
          }),
      ),
    );
    assert.deepEqual(uploads, new Array(12).fill(201));
    const versions = (await client.listVersions('admin/many')).map((v) => v.version).sort((a, b) => a - b);
    assert.deepEqual(
      versions,
      Array.from({ length: 12 }, (_, i) => i + 1),
    );
  });

  test('a job queued through either process runs once, and both report it', async () => {
    const admin = fs.readFileSync(path.join(dataDir, 'admin-token'), 'utf8').trim();
    const client = new MarqueeClient({ baseUrl: url, token: admin });
    await client.createDataset({ owner: 'admin', name: 'cancer' });
    await client.uploadDatasetVersion('admin/cancer', labelledBreastCancer(), 'csv');
    await client.createModel({ owner: 'admin', name: 'cancer', task: 'classification' });
    const jobs = [];
    for (let i = 0; i < 2; i++) {
      const queued = await fresh(`${url}/api/v1/training-jobs`, 'POST', admin, {
        model: 'admin/cancer',
        dataset: 'admin/cancer@1',
        task: 'classification',
        algorithm: 'logistic-regression',
        target: 'diagnosis',
      });
      assert.equal(queued.status, 202, JSON.stringify(queued.json));
      jobs.push(queued.json.id as string);
    }
    for (const id of jobs) {
      const done = await until(
        `job ${id}`,
        async () => {
          const j = await fresh(`${url}/api/v1/training-jobs/${id}`, 'GET', admin);
          return ['succeeded', 'failed'].includes(j.json.state) && j.json;
        },
        120_000,
      );
      assert.equal(done.state, 'succeeded', JSON.stringify(done));
      assert.equal(done.attempts ?? 1, 1);
    }
    const versions = await client.listVersions('admin/cancer');
    assert.equal(versions.length, 2, 'two jobs, two versions: neither ran twice');
  });

  test('processes that cannot listen fail the start with the reason, and nothing is left running', async () => {
    const other = fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-workers-taken-'));
    try {
      const port = new URL(url).port;
      const res = await runCli(
        ['serve', '--workers', '2', '--port', port, '--grpc-port', '0', '--host', '127.0.0.1', '--data', other],
        { env: { MARQUEE_LOG_LEVEL: 'warn' } },
      );
      assert.equal(res.code, 1, res.stdout + res.stderr);
      assert.match(res.stderr, /EADDRINUSE/);
      assert.match(res.stderr, /worker 1 exited with 1 before it listened/);
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
    }
  });

  test('a process killed outright is replaced; SIGTERM stops them all', async () => {
    const supervisor = server.child.pid as number;
    const [victim] = workerPids(supervisor);
    process.kill(victim as number, 'SIGKILL');
    await until('a replacement process', () => {
      const pids = workerPids(supervisor);
      return pids.length === 2 && !pids.includes(victim as number);
    });
    // The replacement can show in /proc before the supervisor's line has come through the pipe.
    await until('the supervisor saying so', () =>
      /exited \(SIGKILL\); starting another in its place/.test(server.output()),
    );
    const admin = fs.readFileSync(path.join(dataDir, 'admin-token'), 'utf8').trim();
    await until('both processes answering again', async () => {
      const seen = new Set<number>();
      for (let i = 0; i < 6; i++) {
        const h = await fresh(`${url}/healthz`, 'GET', undefined);
        seen.add(h.json.worker);
      }
      return seen.size === 2;
    });
    for (let i = 0; i < 6; i++) assert.equal((await infer(admin)).status, 200);
    const pids = workerPids(supervisor);
    const exited = new Promise<number | null>((r) => server.child.once('exit', (code) => r(code)));
    server.child.kill('SIGTERM');
    assert.equal(await exited, 0);
    for (const pid of pids) assert.throws(() => process.kill(pid, 0), 'no serving process is left');
    assert.equal(server.output().match(/Created user "admin"/g)?.length, 1, 'the admin token is printed once');
  });
});
