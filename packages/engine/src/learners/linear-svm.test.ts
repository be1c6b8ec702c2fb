import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { loadTabularSet, tabularSet } from '../../test-support/tabular-sets.js';
import { accuracy } from '../evaluation/classification-metrics.js';
import type { DenseMatrix } from '../linalg/dense-matrix.js';
import { learnerToOnnx } from '../onnx/learner-export.js';
import { taskWorkersReady } from '../threads/task-pool.js';
import { loadLearner } from './learner-registry.js';
import { LinearSvm } from './linear-svm.js';

describe('LinearSvm (squared hinge; dual coordinate descent or primal Newton)', () => {
  for (const solver of ['dual', 'primal'] as const)
    test(`the ${solver} solver's optimum satisfies the KKT conditions of the primal`, () => {
      // At the optimum of ½‖w̃‖² + C Σ max(0, 1 − y w̃·x̃)² (x̃ = [x, 1]):
      // w̃ = 2C Σ_i y_i max(0, 1 − y_i w̃·x̃_i) x̃_i.
      const x: DenseMatrix = { rows: 6, cols: 2, data: Float64Array.from([0, 1, 1, 2, 2, 0, 3, 3, 4, 1, 5, 4]) };
      const y = [0, 0, 0, 1, 1, 1];
      const m = new LinearSvm({ C: 0.5, tol: 1e-10, maxIter: 100000, solver }).fit(x, y);
      const w: [number, number, number] = [m.coef[0] as number, m.coef[1] as number, m.intercept[0] as number];
      const sum: [number, number, number] = [0, 0, 0];
      for (let i = 0; i < 6; i++) {
        const yi = y[i] === 1 ? 1 : -1;
        const xi: [number, number, number] = [x.data[i * 2] as number, x.data[i * 2 + 1] as number, 1];
        const margin = 1 - yi * (w[0] * xi[0] + w[1] * xi[1] + w[2] * xi[2]);
        if (margin > 0)
          for (let j = 0; j < 3; j++) sum[j] = (sum[j] as number) + 2 * 0.5 * yi * margin * (xi[j] as number);
      }
      for (let j = 0; j < 3; j++) assert.ok(Math.abs((w[j] as number) - (sum[j] as number)) < 1e-6, `w[${j}]`);
    });

  test('primal Newton and dual coordinate descent reach the same model', () => {
    const d = loadTabularSet('wine', { standardise: true });
    const a = new LinearSvm({ solver: 'primal', tol: 1e-8 }).fit(d.xTrain, d.yTrain);
    const b = new LinearSvm({ solver: 'dual', tol: 1e-8, maxIter: 100000 }).fit(d.xTrain, d.yTrain);
    for (let j = 0; j < a.coef.length; j++) {
      assert.ok(Math.abs((a.coef[j] as number) - (b.coef[j] as number)) < 1e-4, `coef ${j}`);
    }
    assert.throws(() => new LinearSvm({ solver: 'newton' as 'primal' }), /solver/);
  });

  // scikit-learn LinearSVC(random_state=0) on the same standardised rows: within one point.
  for (const [name, sklearn] of [
    ['breast_cancer', 0.9558],
    ['wine', 1.0],
    ['iris', 0.9667],
    ['digits', 0.961],
    ['spambase', 0.9392],
  ] as const) {
    test(`${name}: within 1 point of scikit-learn's ${sklearn}`, tabularSet(name), () => {
      const d = loadTabularSet(name, { standardise: true });
      const acc = accuracy(d.yTest, new LinearSvm().fit(d.xTrain, d.yTrain).predict(d.xTest));
      assert.ok(acc >= sklearn - 0.01, `${acc}`);
    });
  }

  test('ONNX LinearClassifier gives the same labels; the artifact restores the model', async () => {
    for (const name of ['breast_cancer', 'wine']) {
      const d = loadTabularSet(name, { standardise: true });
      const m = new LinearSvm().fit(d.xTrain, d.yTrain);
      const session = await ort.InferenceSession.create(learnerToOnnx(m));
      const out = await session.run({
        features: new ort.Tensor('float32', Float32Array.from(d.xTest.data), [d.xTest.rows, d.xTest.cols]),
      });
      await session.release();
      assert.deepEqual(Array.from(out.label?.data as BigInt64Array, Number), Array.from(m.predict(d.xTest)), name);
      assert.deepEqual(loadLearner(m.toArtifact()).predict(d.xTest), m.predict(d.xTest));
    }
  });

  test('digits: the same weights on one thread or two, primal and dual, and a worker thread solves classes', async () => {
    const d = loadTabularSet('digits', { standardise: true });
    await taskWorkersReady(1, new URL('./linear-svm-classes.ts', import.meta.url));
    for (const solver of ['primal', 'dual'] as const) {
      const alone = new LinearSvm({ solver, nJobs: 1 }).fit(d.xTrain, d.yTrain, { seed: 3 });
      const shared = new LinearSvm({ solver, nJobs: 2 }).fit(d.xTrain, d.yTrain, { seed: 3 });
      assert.equal(alone.classesSolvedByWorkers, 0);
      assert.ok(shared.classesSolvedByWorkers > 0, `a worker thread solved classes (${solver})`);
      assert.deepEqual(shared.coef, alone.coef);
      assert.deepEqual(shared.intercept, alone.intercept);
    }
    assert.throws(() => new LinearSvm({ nJobs: -2 }), /nJobs/);
  });
});
