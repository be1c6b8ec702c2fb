import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { MarqueeApiError } from '@marquee/client';
import { startTestServer, type TestServer } from '../harness/test-server.ts';

const SHARE = ['0%', '1 - 10%', '11 - 50%', '> 50%'];
const AGE = ['18-29', '30-40', '41-64', '65+'];
const INCOME = ['< 5k', '5k - 20k', '20k-100k', '> 100k'];
const LEVEL = ['Level 1', 'Level 2', 'Level 3'];

/**
 * A subscriber table whose bands are written as people write them: churn falls with the
 * share of the plan used and with the level; the plan names and the id carry nothing.
 */
function subscribers(n: number): Uint8Array {
  let state = 7;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
  const lines = ['id,share,age,income,level,plan,churned'];
  for (let i = 0; i < n; i++) {
    const share = Math.floor(next() * 4);
    const level = Math.floor(next() * 3);
    const churned = 2.5 - share - level + 2 * (next() - 0.5) > 0 ? 'left' : 'stayed';
    lines.push(
      [
        i,
        `"${SHARE[share]}"`,
        AGE[Math.floor(next() * 4)],
        `"${INCOME[Math.floor(next() * 4)]}"`,
        LEVEL[level],
        ['basic', 'family', 'student'][Math.floor(next() * 3)],
        churned,
      ].join(','),
    );
  }
  return new TextEncoder().encode(`${lines.join('\n')}\n`);
}

describe('column kinds: ordinal bands inferred in the schema, kinds declared in a training request', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
    await t.admin.createDataset({ owner: 'admin', name: 'subscribers' });
    await t.admin.uploadDatasetVersion('admin/subscribers', subscribers(600), 'csv');
  });
  after(() => t.close());

  test('the schema shows each banded column as ordinal with its order; plain categories stay categorical', async () => {
    const v = await t.admin.getDatasetVersion('admin/subscribers', 1);
    const col = (name: string) => v.columns.find((c) => c.name === name);
    assert.deepEqual(col('share')?.order, SHARE);
    assert.deepEqual(col('age')?.order, AGE);
    assert.deepEqual(col('income')?.order, INCOME);
    assert.deepEqual(col('level')?.order, LEVEL);
    for (const name of ['share', 'age', 'income', 'level']) assert.equal(col(name)?.kind, 'ordinal', name);
    assert.equal(col('plan')?.kind, 'categorical');
    assert.equal(col('plan')?.order, undefined);
    const summary = (await t.admin.datasetSummary('admin/subscribers', 1)).find((s) => s.name === 'share');
    assert.deepEqual(summary && 'top' in summary ? summary.top.map((x) => x.value) : [], SHARE, 'the levels in order');
  });

  test('training reads the bands by their order, takes declared kinds, and serves band strings (ONNX too)', async () => {
    const done = await t.admin.followJob(
      (
        await t.admin.train({
          model: 'admin/churn-bands',
          dataset: 'admin/subscribers@1',
          task: 'classification',
          algorithm: 'logistic-regression',
          target: 'churned',
          kinds: { id: 'ignore', plan: 'categorical' },
        })
      ).id,
    );
    assert.equal(done.state, 'succeeded', done.error ?? '');
    assert.ok((done.result?.metrics?.accuracy ?? 0) > 0.8, JSON.stringify(done.result?.metrics));
    const [job] = await t.admin.listJobs(1);
    const kinds = (job?.spec as { kinds?: Record<string, unknown> } | undefined)?.kinds;
    assert.deepEqual(kinds?.share, { kind: 'ordinal', order: SHARE }, 'the schema order, recorded in the job');
    assert.equal(kinds?.id, 'ignore');
    const v = await t.admin.getVersion('admin/churn-bands', 1);
    assert.equal(v.format, 'onnx');
    assert.deepEqual(
      v.signature.inputs.map((i) => `${i.name}:${i.datatype}`).sort(),
      ['age:BYTES', 'income:BYTES', 'level:BYTES', 'plan:BYTES', 'share:BYTES'],
      'no id; bands sent as their strings',
    );
    const answer = await t.admin.predict(
      'admin/churn-bands',
      SHARE.map((share) => ({ share, age: '30-40', income: '< 5k', level: 'Level 1', plan: 'basic' })),
    );
    const churn = answer.predictions.map((p) => (p as { probabilities: Record<string, number> }).probabilities.left);
    for (let i = 1; i < churn.length; i++) {
      assert.ok((churn[i] as number) < (churn[i - 1] as number), `churn falls band by band: ${churn}`);
    }
  });

  test('bad kinds are refused before anything is queued, or fail the job with the values at fault', async () => {
    const base = {
      model: 'admin/x',
      dataset: 'admin/subscribers@1',
      task: 'classification' as const,
      algorithm: 'random-forest',
      target: 'churned',
    };
    const refused = async (req: object, pattern: RegExp) =>
      assert.rejects(t.admin.train({ ...base, ...req } as never), (e: MarqueeApiError) => {
        assert.equal(e.status, 400);
        assert.match(e.message, pattern);
        return true;
      });
    await refused({ kinds: { tenure: 'numeric' } }, /has no column "tenure"/);
    await refused({ kinds: { churned: 'ignore' } }, /"churned" is the target/);
    await refused({ kinds: { plan: 'colour' } }, /kinds/);
    await refused({ kinds: { plan: { kind: 'ordinal', order: ['basic'] } } }, /kinds/);
    const job = await t.admin.followJob(
      (
        await t.admin.train({
          ...base,
          model: 'admin/plan-order',
          kinds: { plan: { kind: 'ordinal', order: ['basic', 'family'] } },
        })
      ).id,
    );
    assert.equal(job.state, 'failed');
    assert.match(job.error ?? '', /column "plan" has values outside its order: "student"/);
  });
});
