import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runOnnx } from '../../test-support/run-onnx.js';
import { loadTabularSet, tabularSet } from '../../test-support/tabular-sets.js';
import { accuracy } from '../evaluation/classification-metrics.js';
import { rmse } from '../evaluation/regression-metrics.js';
import type { DenseMatrix } from '../linalg/dense-matrix.js';
import { learnerToOnnx } from '../onnx/learner-export.js';
import { taskWorkersReady } from '../threads/task-pool.js';
import { GradientBoosting } from './gradient-boosting.js';
import { loadLearner } from './learner-registry.js';

describe('GradientBoosting (histogram, leaf-wise)', () => {
  test('one boosting step on a step function: leaf values are −lr·G/H, as the closed form says', () => {
    // Regression, y = 0 for x < 5 and 10 above; baseline = mean 5; gradients ±5; one split.
    const x: DenseMatrix = { rows: 40, cols: 1, data: Float64Array.from({ length: 40 }, (_, i) => i / 4) };
    const y = Array.from({ length: 40 }, (_, i) => (i < 20 ? 0 : 10));
    const m = new GradientBoosting({ task: 'regression', maxIter: 1, minSamplesLeaf: 5, learningRate: 0.5 }).fit(x, y);
    const pred = m.predict(x);
    assert.ok(Math.abs((pred[0] as number) - (5 - 0.5 * 5)) < 1e-9);
    assert.ok(Math.abs((pred[39] as number) - (5 + 0.5 * 5)) < 1e-9);
  });

  // scikit-learn HistGradientBoosting*(early_stopping=False, random_state=0), same rows.
  for (const [name, sklearn] of [
    ['breast_cancer', 0.9646],
    ['wine', 0.9444],
    ['iris', 0.9667],
    ['spambase', 0.9598],
  ] as const) {
    test(`${name}: within 1 point of scikit-learn's ${sklearn}`, tabularSet(name), () => {
      const d = loadTabularSet(name);
      const acc = accuracy(d.yTest, new GradientBoosting().fit(d.xTrain, d.yTrain).predict(d.xTest) as Int32Array);
      assert.ok(acc >= sklearn - 0.01, `${acc}`);
    });
  }

  test(
    'digits: the same trees on one thread or two, and a worker thread grows some classes',
    tabularSet('digits'),
    async () => {
      const d = loadTabularSet('digits');
      await taskWorkersReady(1, new URL('../trees/gradient-class-trees.ts', import.meta.url));
      const alone = new GradientBoosting({ maxIter: 10, nJobs: 1 }).fit(d.xTrain, d.yTrain);
      const shared = new GradientBoosting({ maxIter: 10, nJobs: 2 }).fit(d.xTrain, d.yTrain);
      assert.equal(alone.treesGrownByWorkers, 0);
      assert.ok(shared.treesGrownByWorkers > 0, 'a worker thread grew trees');
      assert.deepEqual(shared.trees, alone.trees);
      assert.deepEqual(shared.predict(d.xTest), alone.predict(d.xTest));
      assert.throws(() => new GradientBoosting({ nJobs: 1.5 }), /nJobs/);
    },
  );

  test("diabetes: RMSE within 1% of scikit-learn's 57.245", () => {
    const d = loadTabularSet('diabetes', { classify: false });
    const e = rmse(d.yTest, new GradientBoosting({ task: 'regression' }).fit(d.xTrain, d.yTrain).predict(d.xTest));
    assert.ok(e <= 57.245 * 1.01, `${e}`);
  });

  test('early stopping ends the fit when the held-out loss stalls', () => {
    const d = loadTabularSet('breast_cancer');
    const m = new GradientBoosting({ earlyStopping: true, maxIter: 500 }).fit(d.xTrain, d.yTrain, { seed: 1 });
    assert.ok(m.iterations < 500, `${m.iterations}`);
    assert.ok(accuracy(d.yTest, m.predict(d.xTest) as Int32Array) > 0.93);
  });

  test('ONNX: binary, multiclass and regression answer as the engine; artifacts restore them', async () => {
    for (const [name, task] of [
      ['breast_cancer', 'classification'],
      ['iris', 'classification'],
      ['diabetes', 'regression'],
    ] as const) {
      const d = loadTabularSet(name, { classify: task === 'classification' });
      const m = new GradientBoosting({ task, maxIter: 30 }).fit(d.xTrain, d.yTrain);
      const out = await runOnnx(learnerToOnnx(m), d.xTest);
      if (task === 'classification') {
        assert.deepEqual(Array.from(out.label?.data as BigInt64Array, Number), Array.from(m.predict(d.xTest)), name);
        const p = out.probabilities?.data as Float32Array;
        const want = m.predictProba(d.xTest);
        for (let i = 0; i < p.length; i++) assert.ok(Math.abs((p[i] as number) - (want[i] as number)) < 1e-4, name);
      } else {
        const v = out.value?.data as Float32Array;
        const want = m.predict(d.xTest);
        for (let i = 0; i < v.length; i++) assert.ok(Math.abs((v[i] as number) - (want[i] as number)) < 1e-3);
      }
      assert.deepEqual(loadLearner(m.toArtifact()).predict(d.xTest), m.predict(d.xTest));
    }
  });
});
