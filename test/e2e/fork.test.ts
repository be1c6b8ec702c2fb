import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { MarqueeClient } from '@marquee/client';
import { logisticRegressionModel } from '../fixtures/onnx-models.ts';
import { runCli } from '../harness/cli-process.ts';
import { fixtureFile } from '../harness/fixtures.ts';
import { http, startTestServer, type TestServer } from '../harness/test-server.ts';

describe('forks of models and datasets', () => {
  let t: TestServer;
  let ann: MarqueeClient;
  let bo: MarqueeClient;
  let annToken: string;
  let boToken: string;
  const onnx = logisticRegressionModel().bytes;
  const input = { inputs: [{ name: 'input-0', datatype: 'FP32', shape: [1, 20], data: new Array(20).fill(0.3) }] };

  before(async () => {
    t = await startTestServer({ jobConcurrency: 1 });
    await t.admin.createUser('ann', 'ann password 123');
    await t.admin.createUser('bo', 'bo password 1234');
    ann = t.client();
    annToken = (await ann.login('ann', 'ann password 123')).token;
    bo = t.client();
    boToken = (await bo.login('bo', 'bo password 1234')).token;
    await ann.createModel({ owner: 'ann', name: 'mood', task: 'classification', visibility: 'public' });
    await ann.uploadVersion('ann/mood', onnx);
    await ann.uploadVersion('ann/mood', onnx);
    await ann.setAlias('ann/mood', 'champion', 1);
    await ann.putCard('ann/mood', '---\nlicense: mit\n---\n# Mood\n\nA card to carry over.\n');
    await ann.createModel({ owner: 'ann', name: 'hidden', task: 'classification', visibility: 'private' });
    await ann.createDataset({ owner: 'ann', name: 'iris', visibility: 'public' });
    await ann.uploadDatasetVersion('ann/iris', fixtureFile('tabular-sklearn/iris.csv'), 'csv');
  });
  after(() => t.close());

  test('a fork shares the versions (same artifacts), copies aliases and card, records its source, and serves', async () => {
    const fork = await bo.fork('models', 'ann/mood', { owner: 'bo', name: 'my-mood' });
    assert.equal(fork.fullName, 'bo/my-mood');
    assert.equal(fork.forkedFrom, 'ann/mood');
    assert.equal(fork.visibility, 'public', 'a public source gives a public fork by default');
    const [source, copy] = await Promise.all([ann.listVersions('ann/mood'), bo.listVersions('bo/my-mood')]);
    assert.deepEqual(
      copy.map((v) => [v.version, v.sha256, v.format]),
      source.map((v) => [v.version, v.sha256, v.format]),
    );
    assert.deepEqual((await bo.getModel('bo/my-mood')).aliases, { champion: 1 });
    assert.match((await bo.getCard('bo/my-mood')).markdown, /A card to carry over/);
    const a = await http(t, 'POST', '/v2/models/ann.mood/infer', { token: annToken, json: input });
    const b = await http(t, 'POST', '/v2/models/bo.my-mood/infer', { token: boToken, json: input });
    assert.equal(b.status, 200, b.text);
    assert.deepEqual(b.json.outputs, a.json.outputs);

    // The fork is bo's: ann cannot change it, and the source going away does not break it.
    assert.equal(
      (await http(t, 'PATCH', '/api/v1/models/bo/my-mood', { token: annToken, json: { description: 'x' } })).status,
      403,
    );
    await ann.deleteModel('ann/mood');
    const after = await http(t, 'POST', '/v2/models/bo.my-mood/infer', { token: boToken, json: input });
    assert.equal(after.status, 200, 'the shared artifacts stay while a fork uses them');
    assert.equal((await bo.getModel('bo/my-mood')).forkedFrom, 'ann/mood');
  });

  test('what cannot be seen cannot be forked; names and owners are checked', async () => {
    const fork = (path: string, body: object, token = boToken) =>
      http(t, 'POST', `/api/v1/${path}/fork`, { token, json: body });
    assert.equal((await fork('models/ann/hidden', { owner: 'bo', name: 'x' })).status, 404);
    assert.equal((await fork('models/ann/nothing', { owner: 'bo', name: 'x' })).status, 404);
    assert.equal(
      (await fork('datasets/ann/iris', { owner: 'ann', name: 'mine' })).status,
      403,
      "not into another's namespace",
    );
    assert.equal((await fork('datasets/ann/iris', { owner: 'nobody', name: 'x' })).status, 404);
    assert.equal((await fork('datasets/ann/iris', { owner: 'bo', name: 'Bad Name' })).status, 400);
    assert.equal((await fork('models/bo/my-mood', { owner: 'bo', name: 'my-mood' })).status, 409);
    assert.equal(
      (await http(t, 'POST', '/api/v1/models/bo/my-mood/fork', { json: { owner: 'bo', name: 'y' } })).status,
      401,
    );
  });

  test('a dataset fork shares the files and can be trained on; the CLI forks too', async () => {
    const made = await bo.fork('datasets', 'ann/iris', { owner: 'bo', name: 'iris', visibility: 'private' });
    assert.equal(made.forkedFrom, 'ann/iris');
    assert.equal(made.visibility, 'private');
    const [src] = await ann.listDatasetVersions('ann/iris');
    const [dst] = await bo.listDatasetVersions('bo/iris');
    assert.equal(dst?.sha256, src?.sha256);
    assert.equal(dst?.rowCount, 150);
    assert.equal((await http(t, 'GET', '/api/v1/datasets/bo/iris', { token: annToken })).status, 404, 'private to bo');
    const job = await bo.followJob(
      (
        await bo.train({
          model: 'bo/iris-lr',
          dataset: 'bo/iris@1',
          task: 'classification',
          algorithm: 'logistic-regression',
          target: 'target',
        })
      ).id,
    );
    assert.equal(job.state, 'succeeded', job.error ?? '');

    const cli = await runCli(['fork', 'bo/my-mood', '--to', 'bo/mood-2', '--visibility', 'private'], {
      env: { MARQUEE_URL: t.url, MARQUEE_TOKEN: boToken },
    });
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(cli.stdout, /bo\/mood-2 \(private\) forked from bo\/my-mood/);
    const bad = await runCli(['fork', 'bo/my-mood'], { env: { MARQUEE_URL: t.url, MARQUEE_TOKEN: boToken } });
    assert.equal(bad.code, 2);
  });
});
