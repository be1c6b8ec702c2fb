import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadTabularSet, tabularSet } from '../../test-support/tabular-sets.js';
import { accuracy } from '../evaluation/classification-metrics.js';
import type { DenseMatrix } from '../linalg/dense-matrix.js';
import { taskWorkersReady } from '../threads/task-pool.js';
import { LogisticRegression } from './logistic-regression.js';

describe('LogisticRegression', () => {
  test('the fitted weights are a stationary point of the regularised objective', () => {
    // Separable-ish toy data; at the optimum C·∇loss + w = 0, which we check directly.
    const x: DenseMatrix = { rows: 6, cols: 2, data: Float64Array.from([0, 1, 1, 1, 2, 0, 3, 1, 4, 0, 5, 1]) };
    const y = [0, 0, 0, 1, 1, 1];
    const m = new LogisticRegression({ C: 1, tol: 1e-10 }).fit(x, y);
    const p = m.predictProba(x);
    let g0 = 0;
    let g1 = 0;
    let gb = 0;
    for (let i = 0; i < 6; i++) {
      const r = (p[i * 2 + 1] as number) - (y[i] as number);
      g0 += r * (x.data[i * 2] as number);
      g1 += r * (x.data[i * 2 + 1] as number);
      gb += r;
    }
    assert.ok(Math.abs(g0 + (m.coef[0] as number)) < 1e-6);
    assert.ok(Math.abs(g1 + (m.coef[1] as number)) < 1e-6);
    assert.ok(Math.abs(gb) < 1e-6, 'the intercept is not penalised');
  });

  test('softmax probabilities sum to one and predict is their argmax', () => {
    const data = loadTabularSet('iris', { standardise: true });
    const m = new LogisticRegression().fit(data.xTrain, data.yTrain);
    const p = m.predictProba(data.xTest);
    for (let i = 0; i < data.xTest.rows; i++) {
      const row = Array.from(p.subarray(i * 3, i * 3 + 3));
      assert.ok(Math.abs(row.reduce((a, b) => a + b) - 1) < 1e-12);
      assert.equal(m.predict(data.xTest)[i], row.indexOf(Math.max(...row)));
    }
  });

  // scikit-learn 1.2.1 LogisticRegression(max_iter=1000) on the same rows, standardised
  // (shared/peers/sklearn-reference.jsonl). Within one point of accuracy, or better.
  const reference: Array<[string, number]> = [
    ['breast_cancer', 0.973451],
    ['wine', 1.0],
    ['iris', 0.966667],
    ['digits', 0.97493],
  ];
  for (const [name, sklearn] of reference) {
    test(`${name}: accuracy within 1 point of scikit-learn's ${sklearn.toFixed(4)}`, tabularSet(name), () => {
      const data = loadTabularSet(name, { standardise: true });
      const m = new LogisticRegression().fit(data.xTrain, data.yTrain);
      const acc = accuracy(data.yTest, m.predict(data.xTest));
      assert.ok(acc >= sklearn - 0.01, `${name}: ${acc} vs ${sklearn}`);
    });
  }

  test('a fit can be cancelled', () => {
    const data = loadTabularSet('digits', { standardise: true });
    const ac = new AbortController();
    let seen = 0;
    assert.throws(
      () =>
        new LogisticRegression().fit(data.xTrain, data.yTrain, {
          signal: ac.signal,
          onProgress: () => {
            if (++seen === 3) ac.abort(new Error('stop'));
          },
        }),
      /stop/,
    );
  });

  test('digits: the same weights on one thread or two, and a worker thread computes loss ranges', async () => {
    const d = loadTabularSet('digits', { standardise: true });
    await taskWorkersReady(1, new URL('./logistic-loss.ts', import.meta.url));
    const alone = new LogisticRegression({ nJobs: 1 }).fit(d.xTrain, d.yTrain);
    const shared = new LogisticRegression({ nJobs: 2 }).fit(d.xTrain, d.yTrain);
    assert.equal(alone.rangesByWorkers, 0);
    assert.ok(shared.rangesByWorkers > 0, 'a worker thread computed loss ranges');
    assert.deepEqual(shared.coef, alone.coef);
    assert.deepEqual(shared.intercept, alone.intercept);
    assert.equal(shared.iterations, alone.iterations);
  });
});
