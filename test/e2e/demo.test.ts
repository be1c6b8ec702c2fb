import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../harness/cli-process.ts';
import { http, startTestServer, type TestServer } from '../harness/test-server.ts';

describe('serve --demo: a populated marketplace on an empty data folder', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ demo: true, jobConcurrency: 1 });
  });
  after(() => t.close());

  test('public datasets, four published models and two benchmarks, through the quality gate', async () => {
    const summary = await t.server.demo;
    assert.ok(summary?.loaded, summary?.reason);
    assert.deepEqual(summary.published, [
      'demo/review-sentiment-en',
      'demo/review-sentiment-zh',
      'demo/film-recommender',
      'demo/chart-churn',
    ]);
    const anyone = t.client();
    const listed = await anyone.search({ sort: 'updated' });
    assert.equal(listed.total, 4);
    assert.ok(listed.items.every((l) => l.verified && Object.keys(l.metrics).length > 0));
    assert.deepEqual(listed.facets.task.map((f) => [f.value, f.count]).sort(), [
      ['classification', 1],
      ['recommendation', 1],
      ['sentiment', 2],
    ]);
    assert.deepEqual(
      (await anyone.search({ q: '情感' })).items.map((l) => l.model),
      ['demo/review-sentiment-zh'],
    );
    const datasets = await anyone.listDatasets({ owner: 'demo' });
    assert.deepEqual(datasets.items.map((d) => d.fullName).sort(), [
      'demo/chart-activity',
      'demo/chart-events',
      'demo/film-ratings',
      'demo/film-reviews-zh',
      'demo/uci-sentences-en',
    ]);
    assert.equal((await anyone.listDatasets({ owner: 'admin' })).total, 0, "the benchmarks' sources stay private");

    for (const [task, bench, model] of [
      ['sentiment', 'uci-sentences-en', 'demo/review-sentiment-en'],
      ['classification', 'chart-churn', 'demo/chart-churn'],
    ] as const) {
      const board = await anyone.leaderboard(task, bench);
      const [entry] = board.benchmarks[0]?.entries ?? [];
      assert.equal(entry?.model, model);
      assert.equal(entry?.verified, true);
    }
    // The English model scores what such a model scores on these sentences (best published 10-fold: 0.83).
    const en = (await anyone.leaderboard('sentiment', 'uci-sentences-en')).benchmarks[0]?.entries[0];
    assert.ok((en?.score ?? 0) > 0.75, `${en?.score}`);

    const zh = await http(t, 'POST', '/api/v1/models/demo/review-sentiment-zh/predict', {
      token: t.adminToken,
      json: { instances: [{ text: '剧情很精彩，演员演得太好了' }, { text: '太无聊了，浪费时间' }] },
    });
    assert.deepEqual(
      zh.json.predictions.map((p: { label: string }) => p.label),
      ['positive', 'negative'],
    );
    const rec = await anyone.snippets('demo/film-recommender');
    assert.match(rec.curl, /demo\.film-recommender/);
  });

  test('a restart does not load it twice; a folder with other work is left alone', async () => {
    await t.server.demo;
    await t.restart();
    const again = await t.server.demo;
    assert.equal(again?.loaded, false);
    assert.match(again?.reason ?? '', /there already/);
    assert.equal((await t.client().search({})).total, 4);

    fs.rmSync(path.join(t.dataDir, 'demo.json'));
    await t.restart();
    const other = await t.server.demo;
    assert.equal(other?.loaded, false);
    assert.match(other?.reason ?? '', /already holds datasets or models/);
  });

  test('serve --help names the flag', async () => {
    const help = await runCli(['serve', '--help']);
    assert.match(help.stdout, /--demo +on an empty data folder/);
  });
});
