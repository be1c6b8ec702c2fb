import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { MarqueeClient } from '@marquee/client';
import { spawnServer } from '../harness/cli-process.ts';
import { fixtureFile } from '../harness/fixtures.ts';
import { until } from '../harness/until.ts';

const TOKEN = 'recovery-test-admin-token-0123456789';

describe('a server killed with kill -9 in the middle of a job', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-recovery-'));
  const env = { MARQUEE_ADMIN_TOKEN: TOKEN, MARQUEE_LOG_LEVEL: 'warn', MARQUEE_JOB_CONCURRENCY: '1' };
  const args = ['--port', '0', '--grpc-port', '0', '--host', '127.0.0.1', '--data', dataDir];
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  test('requeues the job on restart, which then finishes; no half-made version was ever visible', async () => {
    let server = await spawnServer(args, env);
    let client = new MarqueeClient({ baseUrl: server.url, token: TOKEN });
    await client.createDataset({ owner: 'admin', name: 'digits' });
    await client.uploadDatasetVersion('admin/digits', fixtureFile('tabular-sklearn/digits.csv'), 'csv');
    const job = await client.train({
      model: 'admin/digits-mlp',
      dataset: 'admin/digits@1',
      task: 'classification',
      algorithm: 'mlp',
      target: 'target',
      params: { hiddenLayers: [128], maxIter: 60 },
    });
    // Kill as soon as the job is training (past reading the data).
    await until('training progress', async () => {
      const j = await client.getJob(job.id);
      return j.state === 'running' && (j.progress?.percent ?? 0) > 5 ? j : undefined;
    });
    server.child.kill('SIGKILL');
    await new Promise((r) => server.child.once('exit', r));

    server = await spawnServer(args, env);
    client = new MarqueeClient({ baseUrl: server.url, token: TOKEN });
    try {
      // The interrupted job was requeued (attempt 2) and runs to the end.
      const done = await client.followJob(job.id);
      assert.equal(done.state, 'succeeded', done.error ?? '');
      assert.equal(done.attempts, 2);
      const versions = await client.listVersions('admin/digits-mlp');
      assert.deepEqual(
        versions.map((v) => v.version),
        [1],
        'exactly one version: the interrupted attempt left none',
      );
      assert.ok((versions[0]?.details?.metrics.accuracy ?? 0) > 0.9);
    } finally {
      server.child.kill('SIGTERM');
      await new Promise((r) => server.child.once('exit', r));
    }
  });

  test('a job interrupted as many times as allowed fails with the reason instead of running again', async () => {
    const env1 = { ...env, MARQUEE_JOB_MAX_ATTEMPTS: '1' };
    let server = await spawnServer(args, env1);
    let client = new MarqueeClient({ baseUrl: server.url, token: TOKEN });
    const job = await client.train({
      model: 'admin/digits-slow',
      dataset: 'admin/digits@1',
      task: 'classification',
      algorithm: 'mlp',
      target: 'target',
      params: { hiddenLayers: [256, 256], maxIter: 5000 },
    });
    await until('the job running', async () => ((await client.getJob(job.id)).state === 'running' ? true : undefined));
    server.child.kill('SIGKILL');
    await new Promise((r) => server.child.once('exit', r));
    server = await spawnServer(args, env1);
    client = new MarqueeClient({ baseUrl: server.url, token: TOKEN });
    try {
      const j = await client.getJob(job.id);
      assert.equal(j.state, 'failed');
      assert.match(j.error ?? '', /server stopped while this job ran \(attempt 1 of 1\); it is not retried/);
    } finally {
      server.child.kill('SIGTERM');
      await new Promise((r) => server.child.once('exit', r));
    }
  });
});
