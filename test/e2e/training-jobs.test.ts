import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { JobEvent, MarqueeApiError } from '@marquee/client';
import { parseCsv } from '@marquee/engine';
import { labelledBreastCancer } from '../harness/datasets.ts';
import { fixtureFile } from '../harness/fixtures.ts';
import { startTestServer, type TestServer } from '../harness/test-server.ts';

/** UCI Yelp sentences (Kotzias et al. 2015) as `review` and `mood`, JSON lines. */
function yelpReviews(): Uint8Array {
  const lines = new TextDecoder().decode(fixtureFile('sentiment-uci-sentences/yelp.jsonl')).trim().split('\n');
  return new TextEncoder().encode(
    lines
      .map((l) => JSON.parse(l) as { text: string; label: number })
      .map((r) => JSON.stringify({ review: r.text, mood: r.label === 1 ? 'positive' : 'negative' }))
      .join('\n'),
  );
}

describe('training jobs: a CSV to a served, versioned model', () => {
  let t: TestServer;
  const csv = labelledBreastCancer();
  before(async () => {
    t = await startTestServer({ jobConcurrency: 1 });
    await t.admin.createDataset({ owner: 'admin', name: 'cancer' });
    await t.admin.uploadDatasetVersion('admin/cancer', csv, 'csv');
    await t.admin.createDataset({ owner: 'admin', name: 'digits' });
    await t.admin.uploadDatasetVersion('admin/digits', fixtureFile('tabular-sklearn/digits.csv'), 'csv');
  });
  after(() => t.close());

  test('breast cancer → random forest job → version with held-out accuracy ≥ 0.9 → the same answers over /predict and OIP', async () => {
    const job = await t.admin.train({
      model: 'admin/cancer-rf',
      dataset: 'admin/cancer@1',
      task: 'classification',
      algorithm: 'random-forest',
      target: 'diagnosis',
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

    const v = await t.admin.getVersion('admin/cancer-rf', done.result?.version as number);
    assert.equal(v.source, 'training');
    assert.equal(v.hasNative, true);
    const d = v.details;
    assert.ok(d);
    // scikit-learn's random forest: 0.920 on the shared split of these rows (shared/peers).
    assert.ok((d.metrics.accuracy as number) >= 0.9, `held-out accuracy ${d.metrics.accuracy}`);
    assert.ok((d.metrics.rocAuc as number) > 0.95);
    assert.equal(d.nTrain + d.nTest, 569);
    assert.deepEqual(d.classes, ['benign', 'malignant']);
    assert.equal(d.lineage.dataset, 'admin/cancer@1');
    assert.equal(d.lineage.seed, 3);
    assert.deepEqual(d.params, { nEstimators: 60 });
    assert.equal(v.signature.inputs.length, 30);
    assert.ok((await t.admin.downloadArtifact('admin/cancer-rf', v.version, 'native')).length > 1000);

    // The same 40 rows as records by column and as OIP tensors.
    const { header, rows } = parseCsv(new TextDecoder().decode(csv));
    const sample = rows.slice(0, 40);
    const records = sample.map((r) =>
      Object.fromEntries(header.map((h, j) => [h, h === 'diagnosis' ? r[j] : Number(r[j])])),
    );
    const answer = await t.admin.predict('admin/cancer-rf', records);
    assert.equal(answer.version, v.version);
    const labels = answer.predictions.map((p) => ('label' in p ? p.label : ''));
    const right = labels.filter((l, i) => l === sample[i]?.[header.indexOf('diagnosis')]).length;
    assert.ok(right >= 36, `${right}/40 right`);
    const inputs = v.signature.inputs.map((s) => ({
      name: s.name,
      datatype: 'FP32' as const,
      shape: [sample.length, 1],
      data: sample.map((r) => Number(r[header.indexOf(s.name)])),
    }));
    const oip = await t.admin.oip.infer('admin.cancer-rf', inputs);
    const oipLabels = oip.outputs.find((o) => o.name === 'label_name')?.data as string[];
    assert.deepEqual(oipLabels, labels);
    const probs = oip.outputs.find((o) => o.name === 'probabilities')?.data as number[];
    answer.predictions.forEach((p, i) => {
      assert.ok('probabilities' in p && p.probabilities);
      assert.ok(Math.abs((p.probabilities.malignant as number) - (probs[i * 2 + 1] as number)) < 1e-6);
    });
  });

  test('a version keeps its learning curve: the loss the learner reported at every epoch, falling', async () => {
    const job = await t.admin.train({
      model: 'admin/cancer-curve',
      dataset: 'admin/cancer@1',
      task: 'classification',
      algorithm: 'mlp',
      target: 'diagnosis',
      params: { maxIter: 60 },
    });
    const done = await t.admin.followJob(job.id);
    assert.equal(done.state, 'succeeded', done.error ?? '');
    const curve = (await t.admin.getVersion('admin/cancer-curve', 1)).details?.curve ?? [];
    assert.equal(curve.length, 60, 'one point per epoch (the live events are throttled, the curve is not)');
    const loss = curve.map((c) => c.metrics.loss as number);
    // The plots' data, on the held-out rows the metrics came from.
    const details = (await t.admin.getVersion('admin/cancer-curve', 1)).details;
    const d = details?.diagnostics;
    assert.equal(
      d?.confusion?.matrix.flat().reduce((a, b) => a + b, 0),
      details?.nTest,
    );
    const correct = d?.confusion?.matrix.reduce((a, row, i) => a + (row[i] as number), 0) ?? 0;
    assert.ok(
      Math.abs(correct / (details?.nTest ?? 1) - (details?.metrics.accuracy ?? 0)) < 1e-12,
      'the diagonal is the accuracy',
    );
    assert.ok(
      Math.abs((d?.roc?.auc ?? 0) - (details?.metrics.rocAuc ?? -1)) < 1e-12,
      'the ROC curve is the measured AUC',
    );
    assert.ok((d?.importance?.features.length ?? 0) > 0);
    assert.ok((loss.at(-1) as number) < (loss[0] as number) / 2, `${loss[0]} → ${loss.at(-1)}`);
    assert.deepEqual((done.result as { curve?: unknown[] }).curve?.length, 60);
    const algorithms = await t.client().algorithms();
    const mlp = algorithms.find((a) => a.name === 'mlp');
    assert.deepEqual(mlp?.tasks, ['classification', 'regression', 'sentiment']);
    assert.deepEqual(
      mlp?.params.find((p) => p.name === 'maxIter'),
      { name: 'maxIter', default: 200, type: 'integer' },
    );
    assert.ok(algorithms.some((a) => a.name === 'als' && a.feedback === 'implicit' && a.tasks[0] === 'recommendation'));
    assert.equal(mlp?.classWeights, true);
    assert.equal(algorithms.find((a) => a.name === 'naive-bayes')?.classWeights, undefined);
    assert.deepEqual(algorithms.find((a) => a.name === 'auto')?.params, []);
  });

  test('bad requests are refused before anything is queued', async () => {
    const base = {
      model: 'admin/x',
      dataset: 'admin/cancer',
      task: 'classification' as const,
      algorithm: 'random-forest',
      target: 'diagnosis',
    };
    const cases: Array<[object, RegExp, number?]> = [
      [{ target: 'nope' }, /no column "nope"/],
      [{ algorithm: 'svm-9000' }, /unknown learner "svm-9000"/],
      [{ algorithm: 'k-means' }, /k-means learns clustering, not classification/],
      [{ params: { trees: 3 } }, /random-forest has no parameter "trees"/],
      [{ task: 'regression' }, /regression needs a numeric target/],
      [{ dataset: 'admin/cancer@9' }, /has no version 9/, 404],
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
      model: 'admin/cancer-mlp',
      dataset: 'admin/cancer',
      task: 'classification',
      algorithm: 'mlp',
      target: 'diagnosis',
      params: { maxIter: 5000, hiddenLayers: [256, 256] },
    });
    const cv = await t.admin.train({
      model: 'admin/cancer-lr',
      dataset: 'admin/cancer',
      task: 'classification',
      algorithm: 'logistic-regression',
      target: 'diagnosis',
      split: { kFolds: 3 },
    });
    // Wait until the slow one runs, then cancel it; the next job then runs.
    for (let i = 0; i < 200 && (await t.admin.getJob(slow.id)).state !== 'running'; i++) await sleep(50);
    const cancelled = await t.admin.cancelJob(slow.id);
    assert.ok(['running', 'cancelled'].includes(cancelled.state));
    const slowDone = await t.admin.followJob(slow.id);
    assert.equal(slowDone.state, 'cancelled');
    // Nothing of the cancelled job was registered: the model was never made.
    await assert.rejects(t.admin.getModel('admin/cancer-mlp'), (err: MarqueeApiError) => err.status === 404);
    const cvDone = await t.admin.followJob(cv.id);
    assert.equal(cvDone.state, 'succeeded', cvDone.error ?? '');
    const v = await t.admin.getVersion('admin/cancer-lr', cvDone.result?.version as number);
    assert.equal(v.details?.crossValidation?.folds, 3);
    assert.equal(v.details?.crossValidation?.values.length, 3);
    assert.ok((v.details?.crossValidation?.mean ?? 0) > 0.9);
    await assert.rejects(t.admin.cancelJob(cv.id), /already succeeded/);
  });

  test('a grid search reports every trial, and registers the best by cross-validation', async () => {
    const job = await t.admin.train({
      model: 'admin/digits-search',
      dataset: 'admin/digits',
      task: 'classification',
      algorithm: 'decision-tree',
      target: 'target',
      search: { strategy: 'grid', space: { maxDepth: [1, 3, 8], minSamplesLeaf: [1, 20] }, folds: 3 },
    });
    assert.equal(job.kind, 'search');
    const trialEvents: number[] = [];
    const done = await t.admin.followJob(job.id, (e) => {
      if (e.type === 'progress' && e.progress.metrics?.trial) trialEvents.push(e.progress.metrics.trial);
    });
    assert.equal(done.state, 'succeeded', done.error ?? '');
    const v = await t.admin.getVersion('admin/digits-search', done.result?.version as number);
    const search = (
      v.details as { search?: { trials: Array<{ params: Record<string, number>; mean: number }>; best: number } }
    ).search;
    assert.ok(search);
    assert.equal(search.trials.length, 6);
    // Trials finished before the subscription are in the result; those after it came as events, in order.
    assert.deepEqual(
      trialEvents,
      [...trialEvents].sort((a, b) => a - b),
    );
    assert.ok(trialEvents.every((n) => n >= 1 && n <= 6));
    assert.equal((done.result as { search: { trials: unknown[] } }).search.trials.length, 6);
    const best = search.trials[search.best];
    assert.ok(best);
    assert.equal(Math.max(...search.trials.map((x) => x.mean)), best.mean);
    // A stump tells at most two of ten digits apart; the search must see it.
    assert.ok(best.params.maxDepth !== 1);
    assert.deepEqual(v.details?.params, best.params);
    await assert.rejects(
      t.admin.train({
        ...{
          model: 'admin/x',
          dataset: 'admin/digits',
          task: 'classification',
          algorithm: 'decision-tree',
          target: 'target',
        },
        search: { strategy: 'grid', space: { depth: [1] } },
      }),
      /search.space.depth: decision-tree has no parameter "depth"/,
    );
  });

  test('batch predictions write a new dataset version with the prediction columns', async () => {
    const job = await t.admin.batchPredict({ model: 'admin/cancer-rf', dataset: 'admin/cancer@1' });
    assert.equal(job.kind, 'batch-predict');
    const done = await t.admin.followJob(job.id);
    assert.equal(done.state, 'succeeded', done.error ?? '');
    assert.equal(done.result?.dataset, 'admin/cancer@2');
    const v2 = await t.admin.getDatasetVersion('admin/cancer', 2);
    assert.equal(v2.rowCount, 569);
    assert.deepEqual(
      v2.columns.slice(-3).map((c) => c.name),
      ['prediction', 'probability_benign', 'probability_malignant'],
    );
    assert.deepEqual(v2.lineage, { job: job.id, model: 'admin/cancer-rf', modelVersion: 1, source: 'admin/cancer@1' });
    const rows = (await t.admin.previewDataset('admin/cancer', 2, 200)).rows;
    const agree = rows.filter((r) => r.prediction === r.diagnosis).length;
    assert.ok(agree >= 190, `${agree}/200 predictions match the label`);
    for (const r of rows)
      assert.ok(Math.abs((r.probability_malignant as number) + (r.probability_benign as number) - 1) < 1e-6);
    // The same rows through /predict give the same labels as the batch.
    const features = v2.columns.slice(0, 30).map((c) => c.name);
    const answer = await t.admin.predict(
      'admin/cancer-rf',
      rows.slice(0, 30).map((r) => Object.fromEntries(features.map((f) => [f, r[f]]))),
    );
    assert.deepEqual(
      answer.predictions.map((p) => ('label' in p ? p.label : '')),
      rows.slice(0, 30).map((r) => r.prediction),
    );
  });

  test('a text column: reviews → TF-IDF logistic regression → served on records with the review text', async () => {
    await t.admin.createDataset({ owner: 'admin', name: 'reviews' });
    const v = await t.admin.uploadDatasetVersion('admin/reviews', yelpReviews(), 'jsonl');
    assert.equal(v.columns.find((c) => c.name === 'review')?.kind, 'text');
    const job = await t.admin.train({
      model: 'admin/review-mood',
      dataset: 'admin/reviews',
      task: 'classification',
      algorithm: 'logistic-regression',
      target: 'mood',
      features: ['review'],
      text: { ngramRange: [1, 2], sublinearTf: true },
    });
    const done = await t.admin.followJob(job.id);
    assert.equal(done.state, 'succeeded', done.error ?? '');
    // Best published 10-fold accuracy on these 1,000 sentences: 0.836 (shared/data/README.md).
    assert.ok((done.result?.metrics?.accuracy ?? 0) > 0.72, JSON.stringify(done.result?.metrics));
    const answer = await t.admin.predict('admin/review-mood', [
      { review: 'Absolutely delicious, my kids love it and I will buy it again' },
      { review: 'Terrible taste, stale and broken, a waste of money. Never again' },
    ]);
    const labels = answer.predictions.map((p) => ('label' in p ? p.label : ''));
    assert.equal(labels[0], 'positive');
    assert.equal(labels[1], 'negative');
  });

  test('a pipeline without an ONNX form (character n-grams) is served by the engine, over /predict and OIP alike', async () => {
    const job = await t.admin.train({
      model: 'admin/review-chars',
      dataset: 'admin/reviews',
      task: 'classification',
      algorithm: 'nb-svm',
      target: 'mood',
      features: ['review'],
      text: { analyzer: 'char_wb', ngramRange: [2, 4] },
    });
    const done = await t.admin.followJob(job.id);
    assert.equal(done.state, 'succeeded', done.error ?? '');
    const v = await t.admin.getVersion('admin/review-chars', 1);
    assert.equal(v.format, 'native');
    assert.deepEqual(v.signature.inputs, [{ name: 'review', datatype: 'BYTES', shape: [-1, 1] }]);
    assert.equal((await t.admin.oip.modelMetadata('admin.review-chars')).platform, 'marquee_engine');
    const reviews = [
      'Lovely flavour, fresh and crunchy, highly recommended',
      'Arrived stale, tasted awful, sent it back',
    ];
    const answer = await t.admin.predict(
      'admin/review-chars',
      reviews.map((review) => ({ review })),
    );
    const oip = await t.admin.oip.infer('admin.review-chars', [
      { name: 'review', datatype: 'BYTES', shape: [2, 1], data: reviews },
    ]);
    assert.deepEqual(
      oip.outputs.find((o) => o.name === 'label_name')?.data,
      answer.predictions.map((p) => ('label' in p ? p.label : '')),
    );
    assert.deepEqual(
      answer.predictions.map((p) => ('label' in p ? p.label : '')),
      ['positive', 'negative'],
    );
    await assert.rejects(t.admin.downloadArtifact('admin/review-chars', 1, 'onnx'), /no ONNX form/);
    assert.ok((await t.admin.downloadArtifact('admin/review-chars', 1, 'native')).length > 0);
  });

  test('a job past its time limit fails with the reason', async () => {
    const job = await t.admin.train({
      model: 'admin/cancer-slow',
      dataset: 'admin/cancer',
      task: 'classification',
      algorithm: 'mlp',
      target: 'diagnosis',
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
