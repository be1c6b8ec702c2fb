import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { JobEvent, MarqueeApiError } from '@marquee/client';
import { parseCsv } from '@marquee/engine';
import { sharedFile } from '../harness/shared-data.ts';
import { startTestServer, type TestServer } from '../harness/test-server.ts';

describe('training jobs: a CSV to a served, versioned model', () => {
  let t: TestServer;
  const csv = sharedFile('tabular-spambase/spam.csv');
  before(async () => {
    t = await startTestServer({ jobConcurrency: 1 });
    await t.admin.createDataset({ owner: 'admin', name: 'spam' });
    await t.admin.uploadDatasetVersion('admin/spam', csv, 'csv');
  });
  after(() => t.close());

  test('spambase → random forest job → version with held-out accuracy ≥ 0.94 → the same answers over /predict and OIP', async () => {
    const job = await t.admin.train({
      model: 'admin/spam-rf',
      dataset: 'admin/spam@1',
      task: 'classification',
      algorithm: 'random-forest',
      target: 'type',
      params: { nEstimators: 60 },
      seed: 3,
    });
    assert.ok(['queued', 'running'].includes(job.state));
    const events: JobEvent[] = [];
    const done = await t.admin.followJob(job.id, (e) => events.push(e));
    assert.equal(done.state, 'succeeded', done.error ?? '');
    // Progress came as it happened: stages, rising percentages, trees built.
    const progress = events.flatMap((e) => (e.type === 'progress' ? [e.progress] : []));
    assert.ok(
      progress.some((p) => p.stage === 'tree' && (p.metrics?.trees ?? 0) > 0),
      'tree progress',
    );
    assert.ok(
      progress.some((p) => p.etaSeconds !== null),
      'an ETA',
    );
    const percents = progress.map((p) => p.percent);
    assert.deepEqual(
      percents,
      [...percents].sort((a, b) => a - b),
      'percent never goes back',
    );
    assert.deepEqual(events.at(-1), { type: 'state', state: 'succeeded', error: null, result: done.result });

    const v = await t.admin.getVersion('admin/spam-rf', done.result?.version as number);
    assert.equal(v.source, 'training');
    assert.equal(v.hasNative, true);
    const d = v.details;
    assert.ok(d);
    assert.ok((d.metrics.accuracy as number) >= 0.94, `held-out accuracy ${d.metrics.accuracy}`);
    assert.ok((d.metrics.rocAuc as number) > 0.95);
    assert.equal(d.nTrain + d.nTest, 4601);
    assert.deepEqual(d.classes, ['nonspam', 'spam']);
    assert.equal(d.lineage.dataset, 'admin/spam@1');
    assert.equal(d.lineage.seed, 3);
    assert.deepEqual(d.params, { nEstimators: 60 });
    assert.equal(v.signature.inputs.length, 57);
    assert.ok((await t.admin.downloadArtifact('admin/spam-rf', v.version, 'native')).length > 1000);

    // The same 40 rows as records by column and as OIP tensors.
    const { header, rows } = parseCsv(new TextDecoder().decode(csv));
    const sample = rows.slice(0, 40);
    const records = sample.map((r) =>
      Object.fromEntries(header.map((h, j) => [h, h === 'type' ? r[j] : Number(r[j])])),
    );
    const answer = await t.admin.predict('admin/spam-rf', records);
    assert.equal(answer.version, v.version);
    const labels = answer.predictions.map((p) => ('label' in p ? p.label : ''));
    const right = labels.filter((l, i) => l === sample[i]?.[header.indexOf('type')]).length;
    assert.ok(right >= 36, `${right}/40 right`);
    const inputs = v.signature.inputs.map((s) => ({
      name: s.name,
      datatype: 'FP32' as const,
      shape: [sample.length, 1],
      data: sample.map((r) => Number(r[header.indexOf(s.name)])),
    }));
    const oip = await t.admin.oip.infer('admin.spam-rf', inputs);
    const oipLabels = oip.outputs.find((o) => o.name === 'label_name')?.data as string[];
    assert.deepEqual(oipLabels, labels);
    const probs = oip.outputs.find((o) => o.name === 'probabilities')?.data as number[];
    answer.predictions.forEach((p, i) => {
      assert.ok('probabilities' in p && p.probabilities);
      assert.ok(Math.abs((p.probabilities.spam as number) - (probs[i * 2 + 1] as number)) < 1e-6);
    });
  });

  test('bad requests are refused before anything is queued', async () => {
    const base = {
      model: 'admin/x',
      dataset: 'admin/spam',
      task: 'classification' as const,
      algorithm: 'random-forest',
      target: 'type',
    };
    const cases: Array<[object, RegExp, number?]> = [
      [{ target: 'nope' }, /no column "nope"/],
      [{ algorithm: 'svm-9000' }, /unknown learner "svm-9000"/],
      [{ algorithm: 'k-means' }, /k-means learns clustering, not classification/],
      [{ params: { trees: 3 } }, /random-forest has no parameter "trees"/],
      [{ task: 'regression' }, /regression needs a numeric target/],
      [{ dataset: 'admin/spam@9' }, /has no version 9/, 404],
      [{ dataset: 'admin/nothing' }, /no dataset admin\/nothing/, 404],
      [{ split: { testFraction: 0.9 } }, /testFraction/],
    ];
    for (const [patch, message, status] of cases) {
      try {
        await t.admin.train({ ...base, ...patch });
        assert.fail(`accepted ${JSON.stringify(patch)}`);
      } catch (err) {
        assert.equal((err as MarqueeApiError).status, status ?? 400, JSON.stringify(patch));
        assert.match((err as Error).message, message);
      }
    }
    assert.equal((await t.admin.listJobs()).filter((j) => j.spec.model === 'admin/x').length, 0);
  });

  test('a queued or running job can be cancelled; k-fold cross-validation is reported when asked', async () => {
    const slow = await t.admin.train({
      model: 'admin/spam-mlp',
      dataset: 'admin/spam',
      task: 'classification',
      algorithm: 'mlp',
      target: 'type',
      params: { maxIter: 5000, hiddenLayers: [256, 256] },
    });
    const cv = await t.admin.train({
      model: 'admin/spam-lr',
      dataset: 'admin/spam',
      task: 'classification',
      algorithm: 'logistic-regression',
      target: 'type',
      split: { kFolds: 3 },
    });
    // Wait until the slow one runs, then cancel it; the next job then runs.
    for (let i = 0; i < 200 && (await t.admin.getJob(slow.id)).state !== 'running'; i++) await sleep(50);
    const cancelled = await t.admin.cancelJob(slow.id);
    assert.ok(['running', 'cancelled'].includes(cancelled.state));
    const slowDone = await t.admin.followJob(slow.id);
    assert.equal(slowDone.state, 'cancelled');
    // Nothing of the cancelled job was registered: the model was never made.
    await assert.rejects(t.admin.getModel('admin/spam-mlp'), (err: MarqueeApiError) => err.status === 404);
    const cvDone = await t.admin.followJob(cv.id);
    assert.equal(cvDone.state, 'succeeded', cvDone.error ?? '');
    const v = await t.admin.getVersion('admin/spam-lr', cvDone.result?.version as number);
    assert.equal(v.details?.crossValidation?.folds, 3);
    assert.equal(v.details?.crossValidation?.values.length, 3);
    assert.ok((v.details?.crossValidation?.mean ?? 0) > 0.9);
    await assert.rejects(t.admin.cancelJob(cv.id), /already succeeded/);
  });

  test('a job past its time limit fails with the reason', async () => {
    const job = await t.admin.train({
      model: 'admin/spam-slow',
      dataset: 'admin/spam',
      task: 'classification',
      algorithm: 'mlp',
      target: 'type',
      params: { maxIter: 5000, hiddenLayers: [256, 256] },
      timeLimitS: 1,
    });
    const done = await t.admin.followJob(job.id);
    assert.equal(done.state, 'failed');
    assert.match(done.error ?? '', /time limit of 1 s/);
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
