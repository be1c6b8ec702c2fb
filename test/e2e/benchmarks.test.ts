import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { MarqueeClient, TrainingJob } from '@marquee/client';
import { stratifiedSplit } from '@marquee/engine';
import { runCli } from '../harness/cli-process.ts';
import { fixtureFile } from '../harness/fixtures.ts';
import { http, startTestServer, type TestServer } from '../harness/test-server.ts';

const CARD = `---
license: mit
task: classification
---
# Iris species on the benchmark's training part

Tells three iris species apart from four measurements.

## Intended use

Trying the leaderboard.

## Training data

The training part of the iris-species benchmark.

## Limitations

Three species only.
`;

async function finished(client: MarqueeClient, job: TrainingJob): Promise<TrainingJob> {
  const done = await client.followJob(job.id);
  assert.equal(done.state, 'succeeded', done.error ?? '');
  return done;
}

function parseCsv(text: string): string[][] {
  return text
    .trim()
    .split(/\r?\n/)
    .map((l) => l.split(','));
}

/** The rows the server holds back: the same stratified split, classes numbered in order of appearance. */
function hiddenRows(rows: string[][], targetIndex: number, testFraction: number, seed: number): string[][] {
  const classes = new Map<string, number>();
  const strata = Int32Array.from(rows, (r) => {
    const label = r[targetIndex] as string;
    if (!classes.has(label)) classes.set(label, classes.size);
    return classes.get(label) as number;
  });
  return Array.from(stratifiedSplit(strata, testFraction, seed).test, (i) => rows[i] as string[]);
}

describe('benchmarks and leaderboards on hidden test parts', () => {
  let t: TestServer;
  let alice: MarqueeClient;
  let aliceToken: string;
  let bob: MarqueeClient;
  const anonymous = () => t.client();

  before(async () => {
    t = await startTestServer({ jobConcurrency: 1 });
    await t.admin.createUser('alice', 'alice password 1');
    await t.admin.createUser('bob', 'bob password 12');
    alice = t.client();
    aliceToken = (await alice.login('alice', 'alice password 1')).token;
    bob = t.client();
    await bob.login('bob', 'bob password 12');
    await t.admin.createDataset({ owner: 'admin', name: 'iris-source', visibility: 'private' });
    await t.admin.uploadDatasetVersion('admin/iris-source', fixtureFile('tabular-sklearn/iris.csv'), 'csv');
    await t.admin.createDataset({ owner: 'admin', name: 'iris-open', visibility: 'public' });
    await t.admin.uploadDatasetVersion('admin/iris-open', fixtureFile('tabular-sklearn/iris.csv'), 'csv');
  });
  after(() => t.close());

  test('registering checks who asks and what they ask for', async () => {
    const good = {
      name: 'iris-species',
      task: 'classification',
      dataset: 'admin/iris-source@1',
      target: 'target',
      metric: 'accuracy',
      testFraction: 0.2,
      seed: 7,
    };
    const post = (body: object, token = t.adminToken) =>
      http(t, 'POST', '/api/v1/market/benchmarks', { token, json: body });
    assert.equal((await post(good, aliceToken)).status, 403, 'only administrators register');
    assert.equal((await http(t, 'POST', '/api/v1/market/benchmarks', { json: good })).status, 401);
    const cases: Array<[object, number, RegExp]> = [
      [{ ...good, dataset: 'admin/iris-open@1' }, 400, /public/],
      [{ ...good, metric: 'rmse' }, 400, /accuracy or macroF1/],
      [{ ...good, target: 'colour' }, 400, /no column "colour"/],
      [{ ...good, task: 'clustering' }, 400, /task/],
      [{ ...good, testFraction: 0.9 }, 400, /testFraction/],
      [{ ...good, name: 'Bad Name' }, 400, /name/],
      [{ ...good, dataset: 'admin/nothing@1' }, 404, /admin\/nothing/],
      [{ ...good, task: 'regression', metric: 'rmse', target: 'sepal_length', testFraction: 0.05 }, 400, /test part/],
    ];
    for (const [body, status, message] of cases) {
      const r = await post(body);
      assert.equal(r.status, status, JSON.stringify(body));
      assert.match(r.headers.get('content-type') ?? '', /^application\/problem\+json/);
      assert.match(r.json.detail, message);
    }

    const created = await post(good);
    assert.equal(created.status, 201, created.text);
    assert.equal(created.json.trainRows, 120);
    assert.equal(created.json.testRows, 30);
    assert.equal(created.json.higherIsBetter, true);
    assert.equal(created.json.dataset, 'admin/iris-source@1', 'administrators see the source');
    assert.equal((await post(good)).status, 409);
    const seen = await anonymous().getBenchmark('iris-species');
    assert.equal(seen.dataset, undefined, 'others do not learn the private source');
    assert.deepEqual(
      (await anonymous().listBenchmarks()).map((b) => b.name),
      ['iris-species'],
    );
    assert.equal((await http(t, 'GET', '/api/v1/market/benchmarks?task=bogus')).status, 400);
  });

  test('anyone downloads the training part; the test part never leaves the server', async () => {
    const csv = await anonymous().benchmarkTrainingData('iris-species');
    const [header, ...train] = parseCsv(csv);
    const source = new TextDecoder().decode(fixtureFile('tabular-sklearn/iris.csv'));
    const [sourceHeader, ...all] = parseCsv(source);
    assert.deepEqual(header, sourceHeader);
    assert.equal(train.length, 120);
    const hidden = hiddenRows(all, (sourceHeader as string[]).indexOf('target'), 0.2, 7);
    const trainKeys = new Set(train.map((r) => r.map(Number).join('|')));
    assert.equal(
      hidden.filter((r) => trainKeys.has(r.map(Number).join('|'))).length,
      hidden.filter((r) => all.filter((a) => a.join() === r.join()).length > 1).length,
      'only rows that occur twice in iris can be in both parts',
    );
    for (const p of ['test', 'test.csv', 'data']) {
      assert.equal((await http(t, 'GET', `/api/v1/market/benchmarks/iris-species/${p}`)).status, 404, p);
    }
    assert.equal((await http(t, 'GET', '/api/v1/market/benchmarks/nothing-here/train')).status, 404);
  });

  test('a published version is evaluated on the hidden part; the leaderboard ranks, dates and verifies', async () => {
    const trainPart = new TextEncoder().encode(await alice.benchmarkTrainingData('iris-species'));
    await alice.createDataset({ owner: 'alice', name: 'iris-train', visibility: 'public' });
    await alice.uploadDatasetVersion('alice/iris-train', trainPart, 'csv');
    for (const [model, algorithm, params] of [
      ['alice/iris-lr', 'logistic-regression', {}],
      ['alice/iris-stump', 'decision-tree', { maxDepth: 1 }],
    ] as const) {
      await finished(
        alice,
        await alice.train({
          model,
          dataset: 'alice/iris-train@1',
          task: 'classification',
          algorithm,
          target: 'target',
          params,
          seed: 1,
        }),
      );
      await alice.updateModel(model, { visibility: 'public' });
    }

    const early = await http(t, 'POST', '/api/v1/market/benchmarks/iris-species/submissions', {
      token: aliceToken,
      json: { model: 'alice/iris-lr', version: 1 },
    });
    assert.equal(early.status, 400);
    assert.match(early.json.detail, /quality gate/);

    for (const model of ['alice/iris-lr', 'alice/iris-stump']) {
      await alice.putCard(model, CARD);
      const job = await finished(alice, await alice.publish(model, 1));
      assert.equal((job.result as { passed: boolean }).passed, true, JSON.stringify(job.result));
    }
    const byBob = await http(t, 'POST', '/api/v1/market/benchmarks/iris-species/submissions', {
      token: (await bob.createToken({ name: 'b', scopes: ['read', 'write'] })).token,
      json: { model: 'alice/iris-lr', version: 1 },
    });
    assert.equal(byBob.status, 403, 'only those who may change a model submit it');

    const lr = await finished(alice, await alice.submitToBenchmark('iris-species', 'alice/iris-lr', 1));
    const stump = await finished(alice, await alice.submitToBenchmark('iris-species', 'alice/iris-stump', 1));
    assert.equal(lr.kind, 'benchmark');

    // The score is what the model answers on the hidden rows, measured here independently.
    const [header, ...all] = parseCsv(new TextDecoder().decode(fixtureFile('tabular-sklearn/iris.csv')));
    const names = header as string[];
    const hidden = hiddenRows(all, names.indexOf('target'), 0.2, 7);
    const predicted = await http(t, 'POST', '/api/v1/models/alice/iris-lr/predict', {
      token: aliceToken,
      json: {
        instances: hidden.map((r) =>
          Object.fromEntries(names.filter((n) => n !== 'target').map((n) => [n, Number(r[names.indexOf(n)])])),
        ),
      },
    });
    assert.equal(predicted.status, 200, predicted.text);
    const right = hidden.filter(
      (r, i) => String(predicted.json.predictions[i].label) === r[names.indexOf('target')],
    ).length;
    const lrResult = lr.result as { score: number; rank: number; rows: number };
    assert.equal(lrResult.rows, 30);
    assert.equal(lrResult.score, right / hidden.length);
    const stumpScore = (stump.result as { score: number }).score;
    assert.ok(stumpScore <= 0.7, `a depth-1 tree separates at most two of three species (${stumpScore})`);

    const again = await http(t, 'POST', '/api/v1/market/benchmarks/iris-species/submissions', {
      token: aliceToken,
      json: { model: 'alice/iris-lr', version: 1 },
    });
    assert.equal(again.status, 409);

    const board = await anonymous().leaderboard('classification', 'iris-species');
    assert.equal(board.benchmarks.length, 1);
    const entries = board.benchmarks[0]?.entries ?? [];
    assert.deepEqual(
      entries.map((e) => [e.rank, e.model, e.version]),
      [
        [1, 'alice/iris-lr', 1],
        [2, 'alice/iris-stump', 1],
      ],
    );
    for (const e of entries) {
      assert.equal(e.verified, true);
      assert.equal(e.submittedBy, 'alice');
      assert.ok(Date.now() - Date.parse(e.evaluatedAt) < 600_000, 'dated');
      assert.equal(typeof e.metrics.macroF1, 'number');
    }

    await alice.updateModel('alice/iris-lr', { visibility: 'private' });
    const hiddenBoard = await anonymous().leaderboard('classification');
    assert.deepEqual(
      hiddenBoard.benchmarks[0]?.entries.map((e) => [e.rank, e.model]),
      [[1, 'alice/iris-stump']],
      'a private model is not shown to those who may not see it',
    );
    assert.equal((await alice.leaderboard('classification')).benchmarks[0]?.entries.length, 2);
    await alice.updateModel('alice/iris-lr', { visibility: 'public' });

    assert.deepEqual((await anonymous().leaderboard('regression')).benchmarks, []);
    assert.equal((await http(t, 'GET', '/api/v1/market/leaderboards/astrology')).status, 400);
    assert.equal((await http(t, 'GET', '/api/v1/market/leaderboards/classification?benchmark=nope')).status, 404);
    assert.equal((await http(t, 'GET', '/api/v1/market/leaderboards/sentiment?benchmark=iris-species')).status, 404);
  });

  test('the CLI prints the leaderboard and downloads the training part', async () => {
    const env = { MARQUEE_URL: t.url, MARQUEE_TOKEN: aliceToken };
    const board = await runCli(['leaderboard', 'classification'], { env });
    assert.equal(board.code, 0, board.stderr);
    assert.match(board.stdout, /iris-species — accuracy \(higher is better\), 30 hidden test rows/);
    assert.match(board.stdout, /^1 +alice\/iris-lr +1 /m);
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-cli-')), 'train.csv');
    const data = await runCli(['benchmarks', 'train-data', 'iris-species', '--out', out], { env });
    assert.equal(data.code, 0, data.stderr);
    assert.equal(fs.readFileSync(out, 'utf8').trim().split('\n').length, 121);
    const bad = await runCli(['leaderboard', 'astrology'], { env });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /benchmarks rank classification, sentiment, regression/);
  });
});
