import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { MarqueeApiError } from '@marquee/client';
import { labelledBreastCancer } from '../harness/datasets.ts';
import { fixtureFile } from '../harness/fixtures.ts';
import { startTestServer, type TestServer } from '../harness/test-server.ts';

interface AutoDetails {
  algorithm: string;
  params: Record<string, unknown>;
  auto: {
    metric: string;
    timeBudgetS: number;
    best: number;
    leaderboard: Array<{ algorithm: string; cvMean: number | null; status: string; seconds: number }>;
  };
}

describe('algorithm "auto": a portfolio scored within a budget, the best refitted, its leaderboard kept', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
    await t.admin.createDataset({ owner: 'admin', name: 'cancer' });
    await t.admin.uploadDatasetVersion('admin/cancer', labelledBreastCancer(), 'csv');
  });
  after(() => t.close());

  test('tabular: the winner has the best cross-validated score, reports per candidate, exports ONNX', async () => {
    const candidates: number[] = [];
    const done = await t.admin.followJob(
      (
        await t.admin.train({
          model: 'admin/cancer-auto',
          dataset: 'admin/cancer@1',
          task: 'classification',
          algorithm: 'auto',
          target: 'diagnosis',
          timeBudgetS: 60,
          metric: 'rocAuc',
        })
      ).id,
      (e) => {
        if (e.type === 'progress' && e.progress.metrics?.candidate) candidates.push(e.progress.metrics.candidate);
      },
    );
    assert.equal(done.state, 'succeeded', done.error ?? '');
    const v = await t.admin.getVersion('admin/cancer-auto', 1);
    const d = v.details as unknown as AutoDetails;
    assert.notEqual(d.algorithm, 'auto');
    assert.equal(d.auto.metric, 'rocAuc');
    assert.equal(d.auto.leaderboard.length, 8, 'seven candidates, then the ensemble (on by default)');
    assert.equal(d.auto.leaderboard[7]?.algorithm, 'ensemble');
    const scored = d.auto.leaderboard.filter((e) => e.status === 'scored');
    const best = d.auto.leaderboard[d.auto.best];
    assert.equal(best?.algorithm, d.algorithm);
    assert.equal(best?.cvMean, Math.max(...scored.map((e) => e.cvMean as number)));
    assert.ok(candidates.length >= scored.length, `progress for ${candidates.length} candidates`);
    // sklearn's logistic regression reaches about 0.96 accuracy on this set; auto must not do worse.
    assert.ok((done.result?.metrics?.accuracy ?? 0) >= 0.94, JSON.stringify(done.result?.metrics));
    assert.equal(v.format, 'onnx', 'the chosen model exports to ONNX');
    // Two classes: also judged as a ranking (average precision, hits and lift in the top 5% and 10%).
    const m = done.result?.metrics ?? {};
    assert.ok((m.averagePrecision ?? 0) > 0.9 && (m.liftTop10 ?? 0) > 1 && (m.hitsTop10 ?? 0) > 0.1, JSON.stringify(m));
    const answer = await t.admin.predict('admin/cancer-auto', [
      Object.fromEntries(v.signature.inputs.map((i) => [i.name, 1])),
    ]);
    assert.equal(answer.predictions.length, 1);
  });

  test('sentiment: the text portfolio (NB-SVM on words and on characters, logistic regression, linear SVM, naive Bayes)', async () => {
    await t.admin.createDataset({ owner: 'admin', name: 'uci-amazon' });
    await t.admin.uploadDatasetVersion(
      'admin/uci-amazon',
      fixtureFile('sentiment-uci-sentences/amazon.jsonl'),
      'jsonl',
    );
    const done = await t.admin.followJob(
      (
        await t.admin.train({
          model: 'admin/mood-auto',
          dataset: 'admin/uci-amazon',
          task: 'sentiment',
          algorithm: 'auto',
          target: 'label',
          features: ['text'],
          timeBudgetS: 60,
        })
      ).id,
    );
    assert.equal(done.state, 'succeeded', done.error ?? '');
    const d = (await t.admin.getVersion('admin/mood-auto', 1)).details as unknown as AutoDetails;
    assert.deepEqual(
      d.auto.leaderboard
        .filter((e) => e.algorithm !== 'ensemble')
        .map((e) => `${e.algorithm} ${(e as { text?: { analyzer: string } }).text?.analyzer}`),
      ['nb-svm word', 'nb-svm char_wb', 'logistic-regression word', 'linear-svm word', 'naive-bayes word'],
    );
    assert.ok((done.result?.metrics?.accuracy ?? 0) >= 0.75, JSON.stringify(done.result?.metrics));
  });

  test('bad requests: params or a search with auto, an unknown metric, a budget without auto', async () => {
    const base = {
      model: 'admin/x',
      dataset: 'admin/cancer@1',
      task: 'classification' as const,
      target: 'diagnosis',
    };
    const refused = async (req: object, pattern: RegExp) =>
      assert.rejects(t.admin.train({ ...base, ...req } as never), (e: MarqueeApiError) => {
        assert.equal(e.status, 400);
        assert.match(e.message, pattern);
        return true;
      });
    await refused({ algorithm: 'auto', params: { C: 1 } }, /give no params/);
    await refused({ algorithm: 'auto', metric: 'rmse' }, /metric must be one of accuracy/);
    await refused({ algorithm: 'auto', timeBudgetS: 0 }, /timeBudgetS/);
    await refused({ algorithm: 'logistic-regression', timeBudgetS: 10 }, /go with algorithm "auto"/);
    await refused({ algorithm: 'random-forest', ensemble: true }, /go with algorithm "auto"/);
    await refused({ algorithm: 'lasso' }, /or "auto"/);
  });

  test('classWeight: recorded on the version, leans the model towards the weighted class, refused where it cannot apply', async () => {
    const run = async (model: string, classWeight?: 'balanced' | Record<string, number>) => {
      const done = await t.admin.followJob(
        (
          await t.admin.train({
            model,
            dataset: 'admin/cancer@1',
            task: 'classification',
            algorithm: 'logistic-regression',
            target: 'diagnosis',
            ...(classWeight && { classWeight }),
          })
        ).id,
      );
      assert.equal(done.state, 'succeeded', done.error ?? '');
      return done;
    };
    await run('admin/cancer-plain');
    await run('admin/cancer-weighted', { malignant: 20 });
    const details = async (model: string) =>
      (await t.admin.getVersion(model, 1)).details as unknown as {
        classWeight?: unknown;
        diagnostics: { confusion: { classes: string[]; matrix: number[][] } };
      };
    const plain = await details('admin/cancer-plain');
    const weighted = await details('admin/cancer-weighted');
    assert.equal(plain.classWeight, undefined);
    assert.deepEqual(weighted.classWeight, { malignant: 20 });
    // Rows called malignant on the held-out split (a column of the confusion matrix: actual × predicted).
    const calledMalignant = (d: typeof plain) => {
      const m = d.diagnostics.confusion.classes.indexOf('malignant');
      return d.diagnostics.confusion.matrix.reduce((a, row) => a + (row[m] as number), 0);
    };
    assert.ok(
      calledMalignant(weighted) > calledMalignant(plain),
      `${calledMalignant(plain)} → ${calledMalignant(weighted)} held-out rows called malignant`,
    );
    const refused = async (req: object, pattern: RegExp) =>
      assert.rejects(
        t.admin.train({
          model: 'admin/x',
          dataset: 'admin/cancer@1',
          task: 'classification',
          target: 'diagnosis',
          algorithm: 'logistic-regression',
          ...req,
        } as never),
        (e: MarqueeApiError) => {
          assert.equal(e.status, 400);
          assert.match(e.message, pattern);
          return true;
        },
      );
    await refused({ algorithm: 'naive-bayes', classWeight: 'balanced' }, /naive-bayes does not take class weights/);
    await refused(
      { task: 'regression', target: 'mean radius', algorithm: 'ridge', classWeight: 'balanced' },
      /classification/,
    );
    await refused({ classWeight: { malignant: -2 } }, /classWeight/);
    await refused({ classWeight: { malignant: 0 } }, /classWeight for "malignant" must be a positive number/);
    await refused({ classWeight: 'even' }, /classWeight/);
    const unknown = await t.admin.followJob(
      (
        await t.admin.train({
          model: 'admin/cancer-bad-weights',
          dataset: 'admin/cancer@1',
          task: 'classification',
          algorithm: 'random-forest',
          target: 'diagnosis',
          classWeight: { healthy: 2 },
        })
      ).id,
    );
    assert.equal(unknown.state, 'failed');
    assert.match(unknown.error ?? '', /"healthy", which is not a class of the target \(classes: benign, malignant\)/);
  });

  test('ensemble: false keeps a single model; class weights narrow the portfolio to the learners that take them', async () => {
    const done = await t.admin.followJob(
      (
        await t.admin.train({
          model: 'admin/cancer-auto-single',
          dataset: 'admin/cancer@1',
          task: 'classification',
          algorithm: 'auto',
          target: 'diagnosis',
          timeBudgetS: 20,
          ensemble: false,
          classWeight: 'balanced',
        })
      ).id,
    );
    assert.equal(done.state, 'succeeded', done.error ?? '');
    const v = await t.admin.getVersion('admin/cancer-auto-single', 1);
    const d = v.details as unknown as AutoDetails & { classWeight?: unknown };
    assert.ok(!d.auto.leaderboard.some((e) => e.algorithm === 'ensemble'));
    assert.notEqual(d.algorithm, 'ensemble');
    const algorithms = await t.admin.algorithms();
    const weighted = new Set(algorithms.filter((a) => a.classWeights).map((a) => a.name));
    for (const e of d.auto.leaderboard) assert.ok(weighted.has(e.algorithm), `${e.algorithm} takes class weights`);
    assert.equal(d.classWeight, 'balanced');
  });

  test('cancel stops it', async () => {
    const job = await t.admin.train({
      model: 'admin/cancer-auto-cancelled',
      dataset: 'admin/cancer@1',
      task: 'classification',
      algorithm: 'auto',
      target: 'diagnosis',
      timeBudgetS: 600,
    });
    await new Promise((r) => setTimeout(r, 300));
    await t.admin.cancelJob(job.id);
    const done = await t.admin.followJob(job.id);
    assert.equal(done.state, 'cancelled');
    assert.deepEqual(await t.admin.listVersions('admin/cancer-auto-cancelled').catch(() => []), []);
  });
});
