import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { MarqueeApiError } from '@marquee/client';
import { sharedFile } from '../harness/shared-data.ts';
import { startTestServer, type TestServer } from '../harness/test-server.ts';

describe('recommendation models: InstEval ratings → jobs → recommend, similar, ratings, OIP', () => {
  let t: TestServer;
  const columns = { user: 'student', item: 'lecturer', value: 'rating' };
  before(async () => {
    t = await startTestServer({ jobConcurrency: 1 });
    await t.admin.createDataset({ owner: 'admin', name: 'insteval' });
    await t.admin.uploadDatasetVersion('admin/insteval', sharedFile('ratings-insteval/ratings.csv'), 'csv');
  });
  after(() => t.close());

  test('explicit: matrix factorisation predicts ratings, measured by RMSE and MAE on held-out rows', async () => {
    const job = await t.admin.train({
      model: 'admin/lecturer-ratings',
      dataset: 'admin/insteval',
      task: 'recommendation',
      algorithm: 'matrix-factorization',
      columns: { ...columns, context: ['service', 'studage', 'lectage'] },
    });
    const done = await t.admin.followJob(job.id);
    assert.equal(done.state, 'succeeded', done.error ?? '');
    const rmse = done.result?.metrics?.rmse ?? 0;
    assert.ok(rmse > 1 && rmse < 1.25, `rmse ${rmse}`);
    assert.ok((done.result?.metrics?.mae ?? 0) > 0);
    const v = await t.admin.getVersion('admin/lecturer-ratings', 1);
    assert.equal(v.format, 'native');
    const answer = await t.admin.predict('admin/lecturer-ratings', [
      { user: '1', item: '1002', service: '0', studage: '2', lectage: '2' },
      { user: 'nobody', item: '1002' },
      { user: '1', item: '1002', service: '1', studage: '8', lectage: '6' },
    ]);
    const [known, unknown, otherContext] = answer.predictions as Array<{ rating: number }>;
    assert.ok((known?.rating ?? 0) > 1 && (known?.rating ?? 0) < 5.5);
    assert.ok((unknown?.rating ?? 0) > 1 && (unknown?.rating ?? 0) < 5.5, 'an unknown student gets the biases');
    assert.notEqual(otherContext?.rating, known?.rating, 'the context moves the prediction');
  });

  test('implicit: ALS recommends unseen lecturers; an unknown user gets the popular ones, flagged; over OIP too', async () => {
    const job = await t.admin.train({
      model: 'admin/lecturers',
      dataset: 'admin/insteval',
      task: 'recommendation',
      algorithm: 'als',
      columns: { user: 'student', item: 'lecturer' },
      params: { factors: 16, iterations: 8 },
    });
    const done = await t.admin.followJob(job.id);
    assert.equal(done.state, 'succeeded', done.error ?? '');
    const m = done.result?.metrics ?? {};
    for (const name of ['precision@10', 'recall@10', 'ndcg@10', 'map@10', 'hitRate@10', 'coverage']) {
      assert.ok(typeof m[name] === 'number', name);
    }
    assert.ok((m['recall@10'] ?? 0) > 0.2, JSON.stringify(m));

    const rec = await t.admin.recommend('admin/lecturers', { user: '1', k: 5 });
    assert.equal(rec.items.length, 5);
    assert.equal(rec.fallback, false);
    // Student 1's own lecturers (in the training rows) are not recommended back by default.
    const again = await t.admin.recommend('admin/lecturers', { user: '1', k: 5, excludeSeen: false });
    assert.notDeepEqual(again.items, rec.items);
    const unknown = await t.admin.recommend('admin/lecturers', { user: 'new-student', k: 3 });
    assert.equal(unknown.fallback, true);
    assert.equal(unknown.items.length, 3);
    assert.ok((unknown.items[0]?.score ?? 0) >= (unknown.items[2]?.score ?? 0));

    const similar = await t.admin.similarItems('admin/lecturers', { item: '1002', k: 4 });
    assert.equal(similar.items.length, 4);
    assert.ok(!similar.items.some((s) => s.item === '1002'));

    const oip = await t.admin.oip.infer(
      'admin.lecturers',
      [{ name: 'user', datatype: 'BYTES', shape: [2], data: ['1', 'new-student'] }],
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
    const byId = await t.admin.oip.infer(
      'admin.lecturers',
      [{ name: 'user', datatype: 'INT64', shape: [1], data: [1] }],
      {
        parameters: { k: 5 },
      },
    );
    assert.deepEqual(
      byId.outputs.find((o) => o.name === 'items')?.data,
      rec.items.map((i) => i.item),
    );
    await assert.rejects(
      t.admin.oip.infer('admin.lecturers', [{ name: 'user', datatype: 'BYTES', shape: [1], data: ['1'] }], {
        parameters: { k: 0 },
      }),
      /parameter k must be an integer/,
    );
    // An implicit model predicts no ratings.
    await assert.rejects(
      t.admin.predict('admin/lecturers', [{ user: '1', item: '1002' }]),
      (e: MarqueeApiError) => e.status === 400,
    );
  });

  test('requests are checked: unknown recommenders, missing columns, a leave-last split without time', async () => {
    const base = { model: 'admin/r', dataset: 'admin/insteval', task: 'recommendation' as const };
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
        columns: { user: 'student', item: 'lecturer' },
        split: { leaveLastN: 1 },
      }),
      /needs a timestamp column/,
    );
  });
});
