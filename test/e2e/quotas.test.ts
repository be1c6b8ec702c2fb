import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { MarqueeClient } from '@marquee/client';
import { logisticRegressionModel } from '../fixtures/onnx-models.ts';
import { fixtureFile } from '../harness/fixtures.ts';
import { http, startTestServer, type TestServer } from '../harness/test-server.ts';

describe('quotas per owner: stored bytes and concurrent jobs', () => {
  let t: TestServer;
  let ann: MarqueeClient;
  let annToken: string;
  let bobToken: string;
  const onnx = logisticRegressionModel().bytes;

  before(async () => {
    t = await startTestServer({ jobConcurrency: 1 });
    await t.admin.createUser('ann', 'ann password 123');
    await t.admin.createUser('bob', 'bob password 123');
    ann = t.client();
    annToken = (await ann.login('ann', 'ann password 123')).token;
    bobToken = (await t.client().login('bob', 'bob password 123')).token;
    await ann.createModel({ owner: 'ann', name: 'lr', task: 'classification', visibility: 'public' });
    await ann.createDataset({ owner: 'ann', name: 'iris', visibility: 'public' });
  });
  after(() => t.close());

  const quota = (token: string, method: string, json?: unknown) =>
    http(t, method, '/api/v1/quotas/ann', { token, ...(json !== undefined && { json }) });

  test('an upload that would pass the storage quota is refused, says why, and stores nothing', async () => {
    assert.equal((await quota(annToken, 'PUT', { storageBytes: 1 })).status, 403, 'administrators set quotas');
    const set = await quota(t.adminToken, 'PUT', { storageBytes: onnx.length + 100 });
    assert.equal(set.status, 200, set.text);
    await ann.uploadVersion('ann/lr', onnx);
    const seen = await quota(annToken, 'GET');
    assert.deepEqual(seen.json.storage, { usedBytes: onnx.length, limitBytes: onnx.length + 100 });

    const again = await http(t, 'POST', '/api/v1/models/ann/lr/versions', {
      token: annToken,
      body: onnx,
      headers: { 'content-type': 'application/octet-stream' },
    });
    assert.equal(again.status, 413);
    assert.match(again.json.detail, /storage quota: ann holds \d+ of \d+ bytes/);
    assert.equal((await ann.listVersions('ann/lr')).length, 1);

    const data = await http(t, 'POST', '/api/v1/datasets/ann/iris/versions', {
      token: annToken,
      body: fixtureFile('tabular-sklearn/iris.csv'),
      headers: { 'content-type': 'text/csv' },
    });
    assert.equal(data.status, 413);
    assert.equal((await ann.listDatasetVersions('ann/iris')).length, 0);

    await t.client(bobToken).createModel({ owner: 'bob', name: 'x', task: 'classification' });
    assert.equal(
      (await http(t, 'POST', '/api/v1/models/ann/lr/fork', { token: annToken, json: { owner: 'ann', name: 'lr2' } }))
        .status,
      413,
      'a fork counts the versions it takes',
    );
    assert.equal((await quota(bobToken, 'GET')).status, 404, "others do not see ann's quotas");
    assert.equal((await quota(t.adminToken, 'PUT', { storageBytes: null })).status, 200, 'back to the default');
  });

  test('the jobs quota: one more than allowed at once is refused with 429', async () => {
    assert.equal((await quota(t.adminToken, 'PUT', { concurrentJobs: 1 })).status, 200);
    await ann.uploadDatasetVersion('ann/iris', fixtureFile('tabular-sklearn/iris.csv'), 'csv');
    const slow = await ann.train({
      model: 'ann/slow',
      dataset: 'ann/iris@1',
      task: 'classification',
      algorithm: 'mlp',
      target: 'target',
      params: { hiddenLayers: [256, 256], maxIter: 5000 },
    });
    const second = await http(t, 'POST', '/api/v1/training-jobs', {
      token: annToken,
      json: {
        model: 'ann/fast',
        dataset: 'ann/iris@1',
        task: 'classification',
        algorithm: 'naive-bayes',
        target: 'target',
      },
    });
    assert.equal(second.status, 429);
    assert.match(second.json.detail, /job quota: ann has 1 jobs queued or running/);
    assert.equal((await quota(annToken, 'GET')).json.jobs.limit, 1);
    await ann.cancelJob(slow.id);
    await ann.followJob(slow.id);
    const third = await http(t, 'POST', '/api/v1/training-jobs', {
      token: annToken,
      json: {
        model: 'ann/fast',
        dataset: 'ann/iris@1',
        task: 'classification',
        algorithm: 'naive-bayes',
        target: 'target',
      },
    });
    assert.equal(third.status, 202, third.text);
  });
});
