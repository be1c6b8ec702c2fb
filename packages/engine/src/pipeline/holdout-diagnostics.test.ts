import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { precisionRecallCurve, rocCurve } from '../evaluation/curves.js';
import { Frame } from '../frame/frame.js';
import { Rng } from '../random/rng.js';
import { holdoutDiagnostics } from './holdout-diagnostics.js';
import { ModelPipeline } from './model-pipeline.js';

describe('curves (values worked by hand, as scikit-learn gives them)', () => {
  const truth = [1, 1, 0, 1, 0];
  const score = [0.9, 0.8, 0.7, 0.6, 0.2];

  test('ROC: one point per distinct threshold, from (0, 0) to (1, 1)', () => {
    const c = rocCurve(truth, score);
    assert.deepEqual(c.x, [0, 0, 0, 0.5, 0.5, 1]);
    assert.deepEqual(
      c.y.map((v) => Number(v.toFixed(6))),
      [0, 0.333333, 0.666667, 0.666667, 1, 1],
    );
  });

  test('precision–recall and average precision (sklearn: 0.9166667)', () => {
    const c = precisionRecallCurve(truth, score);
    assert.ok(Math.abs(c.averagePrecision - 11 / 12) < 1e-12, String(c.averagePrecision));
    assert.deepEqual(
      c.y.map((v) => Number(v.toFixed(4))),
      [1, 1, 1, 0.6667, 0.75, 0.6],
    );
  });

  test('long curves are thinned, keeping both ends', () => {
    const rng = new Rng(1);
    const n = 5000;
    const t = Array.from({ length: n }, (_, i) => i % 2);
    const s = Array.from({ length: n }, () => rng.next());
    const c = rocCurve(t, s, 101);
    assert.equal(c.x.length, 101);
    assert.deepEqual([c.x[0], c.y[0], c.x.at(-1), c.y.at(-1)], [0, 0, 1, 1]);
  });
});

describe('holdout diagnostics', () => {
  // The label is the sign of x1; x2 is noise: shuffling x1 must hurt, shuffling x2 must not.
  const rng = new Rng(3);
  const n = 600;
  const x1 = Array.from({ length: n }, () => rng.normal());
  const x2 = Array.from({ length: n }, () => rng.normal());
  const frame = Frame.fromRecords(x1.map((v, i) => ({ x1: v, x2: x2[i], label: v > 0 ? 'yes' : 'no' })));
  const train = frame.take(Int32Array.from({ length: 400 }, (_, i) => i));
  const testRows = frame.take(Int32Array.from({ length: 200 }, (_, i) => 400 + i));

  test('classification: confusion matrix, curves, and permutation importance that finds the one real feature', () => {
    const model = ModelPipeline.fit(train, 'label', 'logistic-regression', {}, { task: 'classification' });
    const d = holdoutDiagnostics(model, testRows, ['x1', 'x2'], 0);
    const cells = d.confusion?.matrix.flat() ?? [];
    assert.equal(
      cells.reduce((a, b) => a + b, 0),
      200,
    );
    assert.deepEqual(d.confusion?.classes, model.target.classes);
    assert.ok(d.roc && d.roc.auc > 0.98, String(d.roc?.auc));
    assert.ok(d.pr && d.pr.averagePrecision > 0.95);
    const [first, second] = d.importance?.features ?? [];
    assert.equal(first?.feature, 'x1');
    assert.ok((first?.drop ?? 0) > 0.3, `x1 drop ${first?.drop}`);
    assert.ok(Math.abs(second?.drop ?? 1) < 0.05, `x2 drop ${second?.drop}`);
  });

  test('regression: actual and predicted pairs, importance on R²', () => {
    const reg = Frame.fromRecords(x1.map((v, i) => ({ x1: v, x2: x2[i], y: 3 * v + 0.1 * (x2[i] as number) })));
    const model = ModelPipeline.fit(
      reg.take(Int32Array.from({ length: 400 }, (_, i) => i)),
      'y',
      'linear-regression',
      {},
      { task: 'regression' },
    );
    const d = holdoutDiagnostics(model, reg.take(Int32Array.from({ length: 200 }, (_, i) => 400 + i)), ['x1', 'x2']);
    assert.equal(d.regression?.actual.length, 200);
    const err = d.regression?.actual.map((a, i) => Math.abs(a - (d.regression?.predicted[i] as number))) ?? [];
    assert.ok(Math.max(...err) < 1e-6, 'a linear truth is fitted exactly');
    assert.equal(d.importance?.score, 'r2');
    assert.equal(d.importance?.features[0]?.feature, 'x1');
  });
});
