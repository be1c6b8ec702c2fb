import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { MarqueeApiError } from '@marquee/client';
import { parseCsv } from '@marquee/engine';
import { fixtureFile } from '../harness/fixtures.ts';
import { startTestServer, type TestServer } from '../harness/test-server.ts';

/**
 * Film ratings from a planted model (test/fixtures/data/ratings-planted): the truth is
 * known, so is the best a model can do. Noise N(0, 0.35²) plus half-star rounding put the
 * floor near 0.38 RMSE; always answering the mean scores the ratings' standard deviation.
 */
const bytes = fixtureFile('ratings-planted/ratings.csv');
const { header, rows } = parseCsv(new TextDecoder().decode(bytes));
const ratings = rows.map((r) => Number(r[header.indexOf('rating')]));
const mean = ratings.reduce((s, x) => s + x, 0) / ratings.length;
const sd = Math.sqrt(ratings.reduce((s, x) => s + (x - mean) ** 2, 0) / ratings.length);
const FILM = 'The Dark Knight';

describe('recommendation models: film ratings → jobs → recommend, similar, ratings, OIP', () => {
  let t: TestServer;
  const columns = { user: 'viewer', item: 'film', value: 'rating' };
  before(async () => {
    t = await startTestServer({ jobConcurrency: 1 });
    await t.admin.createDataset({ owner: 'admin', name: 'ratings' });
    await t.admin.uploadDatasetVersion('admin/ratings', bytes, 'csv');
  });
  after(() => t.close());

  test('explicit: matrix factorisation predicts ratings, measured by RMSE and MAE on held-out rows', async () => {
    const job = await t.admin.train({
      model: 'admin/film-ratings',
      dataset: 'admin/ratings',
      task: 'recommendation',
      algorithm: 'matrix-factorization',
      columns: { ...columns, context: ['device'] },
    });
    const done = await t.admin.followJob(job.id);
    assert.equal(done.state, 'succeeded', done.error ?? '');
    const rmse = done.result?.metrics?.rmse ?? 0;
    // Well under the mean's error, and not under the noise floor (that would be a leak).
    assert.ok(rmse > 0.3 && rmse < 0.8 * sd, `rmse ${rmse}, ratings' sd ${sd}`);
    assert.ok((done.result?.metrics?.mae ?? 0) > 0);
    const v = await t.admin.getVersion('admin/film-ratings', 1);
    assert.equal(v.format, 'native');
    // What its validation split chose is on the version: the params it was fitted with, and whether factors beat the biases.
    const selection = v.details?.selection;
    assert.ok(selection && ['biases', 'factors'].includes(selection.chosen), JSON.stringify(v.details?.params));
    assert.equal(v.details?.params.factors, selection.params.factors);
    assert.equal(selection.chosen === 'biases', selection.params.factors === 0);
    const answer = await t.admin.predict('admin/film-ratings', [
      { user: '1', item: FILM, device: 'tv' },
      { user: 'nobody', item: FILM },
      { user: '1', item: FILM, device: 'phone' },
    ]);
    const [tv, unknown, phone] = answer.predictions as Array<{ rating: number }>;
    assert.ok((tv?.rating ?? 0) > 1 && (tv?.rating ?? 0) < 5.5);
    assert.ok((unknown?.rating ?? 0) > 1 && (unknown?.rating ?? 0) < 5.5, 'an unknown viewer gets the biases');
    // The planted device effect: +0.25 on a tv, −0.25 on a phone (the model shrinks it some).
    const effect = (tv?.rating ?? 0) - (phone?.rating ?? 0);
    assert.ok(effect > 0.15 && effect < 0.75, `tv − phone ${effect}`);
  });

  test('implicit: ALS recommends unseen films; an unknown user gets the popular ones, flagged; over OIP too', async () => {
    const job = await t.admin.train({
      model: 'admin/films',
      dataset: 'admin/ratings',
      task: 'recommendation',
      algorithm: 'als',
      columns: { user: 'viewer', item: 'film' },
      params: { factors: 8, iterations: 8 },
    });
    const done = await t.admin.followJob(job.id);
    assert.equal(done.state, 'succeeded', done.error ?? '');
    const m = done.result?.metrics ?? {};
    for (const name of ['precision@10', 'recall@10', 'ndcg@10', 'map@10', 'hitRate@10', 'coverage']) {
      assert.ok(typeof m[name] === 'number', name);
    }
    // Viewers chose films by affinity as well as popularity: ALS must see more than popularity does.
    const popular = await t.admin.followJob(
      (
        await t.admin.train({
          model: 'admin/films-popular',
          dataset: 'admin/ratings',
          task: 'recommendation',
          algorithm: 'popularity',
          columns: { user: 'viewer', item: 'film' },
        })
      ).id,
    );
    const p = popular.result?.metrics ?? {};
    assert.ok(
      (m['recall@10'] ?? 0) > 1.3 * (p['recall@10'] ?? 1),
      `ALS ${m['recall@10']}, popularity ${p['recall@10']}`,
    );
    // EASE (closed-form item-item weights) sees the affinity too, and serves similar films.
    const ease = await t.admin.followJob(
      (
        await t.admin.train({
          model: 'admin/films-ease',
          dataset: 'admin/ratings',
          task: 'recommendation',
          algorithm: 'ease',
          columns: { user: 'viewer', item: 'film' },
        })
      ).id,
    );
    assert.equal(ease.state, 'succeeded', ease.error ?? '');
    const e = ease.result?.metrics ?? {};
    assert.ok(
      (e['recall@10'] ?? 0) > 1.3 * (p['recall@10'] ?? 1),
      `EASE ${e['recall@10']}, popularity ${p['recall@10']}`,
    );
    const easeSimilar = await t.admin.similarItems('admin/films-ease', { item: FILM, k: 3 });
    assert.equal(easeSimilar.items.length, 3);
    // auto: the implicit portfolio on a validation split, the winner on the held-out interactions.
    const auto = await t.admin.followJob(
      (
        await t.admin.train({
          model: 'admin/films-auto',
          dataset: 'admin/ratings',
          task: 'recommendation',
          algorithm: 'auto',
          columns: { user: 'viewer', item: 'film' },
          timeBudgetS: 60,
          // The films have star ratings (found by name): without a metric, auto would choose by RMSE.
          metric: 'hitRate@10',
        })
      ).id,
    );
    assert.equal(auto.state, 'succeeded', auto.error ?? '');
    const autoDetails = (await t.admin.getVersion('admin/films-auto', 1)).details as unknown as {
      algorithm: string;
      auto: { metric: string; best: number; leaderboard: Array<{ algorithm: string; score: number | null }> };
    };
    assert.equal(autoDetails.auto.metric, 'hitRate@10');
    assert.ok(autoDetails.auto.leaderboard.length >= 5);
    assert.equal(autoDetails.auto.leaderboard[autoDetails.auto.best]?.algorithm, autoDetails.algorithm);
    assert.notEqual(autoDetails.algorithm, 'popularity');
    const a = auto.result?.metrics ?? {};
    assert.ok(
      (a['recall@10'] ?? 0) > 1.3 * (p['recall@10'] ?? 1),
      `auto ${a['recall@10']}, popularity ${p['recall@10']}`,
    );

    const rec = await t.admin.recommend('admin/films', { user: '1', k: 5 });
    assert.equal(rec.items.length, 5);
    assert.equal(rec.fallback, false);
    // Viewer 1's own films (in the training rows) are not recommended back by default.
    const again = await t.admin.recommend('admin/films', { user: '1', k: 5, excludeSeen: false });
    assert.notDeepEqual(again.items, rec.items);
    const unknown = await t.admin.recommend('admin/films', { user: 'new-viewer', k: 3 });
    assert.equal(unknown.fallback, true);
    assert.equal(unknown.items.length, 3);
    assert.ok((unknown.items[0]?.score ?? 0) >= (unknown.items[2]?.score ?? 0));

    const similar = await t.admin.similarItems('admin/films', { item: FILM, k: 4 });
    assert.equal(similar.items.length, 4);
    assert.ok(!similar.items.some((s) => s.item === FILM));

    const oip = await t.admin.oip.infer(
      'admin.films',
      [{ name: 'user', datatype: 'BYTES', shape: [2], data: ['1', 'new-viewer'] }],
      { parameters: { k: 5 } },
    );
    const items = oip.outputs.find((o) => o.name === 'items');
    assert.deepEqual(items?.shape, [2, 5]);
    assert.deepEqual(
      (items?.data as string[] | undefined)?.slice(0, 5),
      rec.items.map((i) => i.item),
    );
    assert.deepEqual(oip.outputs.find((o) => o.name === 'fallback')?.data, [false, true]);
    // Numeric user ids may come as INT64.
    const byId = await t.admin.oip.infer('admin.films', [{ name: 'user', datatype: 'INT64', shape: [1], data: [1] }], {
      parameters: { k: 5 },
    });
    assert.deepEqual(
      byId.outputs.find((o) => o.name === 'items')?.data,
      rec.items.map((i) => i.item),
    );
    await assert.rejects(
      t.admin.oip.infer('admin.films', [{ name: 'user', datatype: 'BYTES', shape: [1], data: ['1'] }], {
        parameters: { k: 0 },
      }),
      /parameter k must be an integer/,
    );
    // An implicit model predicts no ratings.
    await assert.rejects(
      t.admin.predict('admin/films', [{ user: '1', item: FILM }]),
      (e: MarqueeApiError) => e.status === 400,
    );
  });

  test('requests are checked: unknown recommenders, missing columns, a leave-last split without time', async () => {
    const base = { model: 'admin/r', dataset: 'admin/ratings', task: 'recommendation' as const };
    await assert.rejects(t.admin.train({ ...base, algorithm: 'svd-9000', columns }), /unknown recommender "svd-9000"/);
    await assert.rejects(t.admin.train({ ...base, algorithm: 'als' }), /no user column "user"/);
    await assert.rejects(
      t.admin.train({ ...base, algorithm: 'matrix-factorization', columns: { ...columns, value: 'stars' } }),
      /no value column "stars"/,
    );
    await assert.rejects(
      t.admin.train({
        ...base,
        algorithm: 'als',
        columns: { user: 'viewer', item: 'film' },
        split: { leaveLastN: 1 },
      }),
      /needs a timestamp column/,
    );
  });
});
