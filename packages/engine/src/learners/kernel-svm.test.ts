import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runOnnx } from '../../test-support/run-onnx.js';
import { loadTabularSet, tabularSet } from '../../test-support/tabular-sets.js';
import { accuracy } from '../evaluation/classification-metrics.js';
import type { DenseMatrix } from '../linalg/dense-matrix.js';
import { learnerToOnnx } from '../onnx/learner-export.js';
import { StandardScaler } from '../preprocessing/standard-scaler.js';
import { taskWorkersReady } from '../threads/task-pool.js';
import { KernelSvm } from './kernel-svm.js';
import { loadLearner } from './learner-registry.js';

describe('KernelSvm (SMO, one-vs-one)', () => {
  test('a linear kernel on two separable points finds the maximum-margin line', () => {
    // Points (0,0) → +1 and (2,0) → −1: w = (−1, 0), b = 1, both on the margin, α = ½ each.
    const x: DenseMatrix = { rows: 2, cols: 2, data: Float64Array.from([0, 0, 2, 0]) };
    const m = new KernelSvm({ kernel: 'linear', C: 10 }).fit(x, [0, 1]);
    const f = m.decisionFunction({ rows: 3, cols: 2, data: Float64Array.from([0, 0, 2, 0, 1, 5]) });
    assert.ok(Math.abs((f[0] as number) - 1) < 1e-6, `${f[0]}`);
    assert.ok(Math.abs((f[1] as number) + 1) < 1e-6, `${f[1]}`);
    assert.ok(Math.abs(f[2] as number) < 1e-6, 'the midline');
    assert.ok(m.pairs[0]?.coef.every((c) => Math.abs(Math.abs(c) - 0.5) < 1e-6));
  });

  test('XOR is separated by the RBF kernel and not by the linear one', () => {
    const x: DenseMatrix = { rows: 4, cols: 2, data: Float64Array.from([0, 0, 1, 1, 0, 1, 1, 0]) };
    const y = [0, 0, 1, 1];
    assert.deepEqual(Array.from(new KernelSvm({ gamma: 2, C: 10 }).fit(x, y).predict(x)), y);
    assert.notDeepEqual(Array.from(new KernelSvm({ kernel: 'linear' }).fit(x, y).predict(x)), y);
  });

  // scikit-learn SVC() (rbf, C=1, gamma='scale') on the same standardised rows.
  for (const [name, sklearn] of [
    ['breast_cancer', 0.9735],
    ['wine', 0.9722],
    ['iris', 0.9667],
    ['digits', 0.9721],
    ['spambase', 0.9435],
  ] as const) {
    test(`${name}: within 1 point of scikit-learn's ${sklearn}`, tabularSet(name), () => {
      const d = loadTabularSet(name, { standardise: true });
      const m = new KernelSvm().fit(d.xTrain, d.yTrain);
      const acc = accuracy(d.yTest, m.predict(d.xTest));
      assert.ok(acc >= sklearn - 0.01, `${acc}`);
      if (name === 'wine') assert.deepEqual(loadLearner(m.toArtifact()).predict(d.xTest), m.predict(d.xTest));
    });
  }

  test('probabilities: Platt scaling on cross-validated decision values, coupled over pairs', () => {
    for (const name of ['breast_cancer', 'iris']) {
      const d = loadTabularSet(name, { standardise: true });
      const m = new KernelSvm({ probability: true }).fit(d.xTrain, d.yTrain, { seed: 0 });
      const p = m.predictProba(d.xTest);
      const k = m.nClasses;
      let agree = 0;
      for (let i = 0; i < d.xTest.rows; i++) {
        const row = Array.from(p.subarray(i * k, (i + 1) * k));
        assert.ok(Math.abs(row.reduce((a, b) => a + b) - 1) < 1e-6);
        assert.ok(row.every((v) => v > 0 && v < 1));
        if (row.indexOf(Math.max(...row)) === m.predict(d.xTest)[i]) agree++;
      }
      // Probabilities and votes can disagree near the boundary (libsvm's too), but rarely.
      assert.ok(agree / d.xTest.rows > 0.95, `${name}: ${agree}`);
      const back = loadLearner(m.toArtifact());
      assert.deepEqual(back.predictProba?.(d.xTest), p);
    }
    assert.throws(
      () =>
        new KernelSvm()
          .fit({ rows: 2, cols: 1, data: Float64Array.from([0, 1]) }, [0, 1])
          .predictProba({ rows: 1, cols: 1, data: Float64Array.from([0]) }),
      /probability/,
    );
  });

  // Binary and multiclass, each kernel, with and without Platt probabilities.
  for (const [set, params] of [
    ['breast_cancer', { probability: true }],
    ['wine', { probability: true }],
    ['iris', { kernel: 'poly', degree: 3, coef0: 1 }],
    ['wine', { kernel: 'linear' }],
  ] as const) {
    test(`ONNX SVMClassifier on ${set} (${JSON.stringify(params)}): labels equal, probabilities within 1e-4`, async () => {
      const data = loadTabularSet(set);
      const scaler = new StandardScaler().fit(data.xTrain);
      const m = new KernelSvm(params).fit(scaler.transform(data.xTrain), data.yTrain, { seed: 3 });
      const xTest = scaler.transform(data.xTest);
      const out = await runOnnx(learnerToOnnx(m, { scaler }), data.xTest);
      assert.deepEqual(Array.from(out.label?.data as BigInt64Array, Number), Array.from(m.predict(xTest)));
      if (!('probability' in params)) return;
      const want = m.predictProba(xTest);
      const got = out.probabilities?.data as Float32Array;
      assert.equal(got.length, want.length);
      for (let i = 0; i < got.length; i++) {
        assert.ok(Math.abs((got[i] as number) - (want[i] as number)) < 1e-4, `p[${i}] ${got[i]} vs ${want[i]}`);
      }
    });
  }

  test('digits: the same pairs on one thread or two, and a worker thread solves some (with probabilities too)', async () => {
    const d = loadTabularSet('digits', { standardise: true });
    await taskWorkersReady(1, new URL('../svm/one-vs-one-pairs.ts', import.meta.url));
    for (const probability of [false, true]) {
      const alone = new KernelSvm({ nJobs: 1, probability }).fit(d.xTrain, d.yTrain, { seed: 4 });
      const shared = new KernelSvm({ nJobs: 2, probability }).fit(d.xTrain, d.yTrain, { seed: 4 });
      assert.equal(alone.pairsSolvedByWorkers, 0);
      assert.ok(shared.pairsSolvedByWorkers > 0, 'a worker thread solved pairs');
      assert.deepEqual(shared.pairs, alone.pairs);
      assert.deepEqual(shared.supportVectors, alone.supportVectors);
    }
    assert.throws(() => new KernelSvm({ nJobs: 1.5 }), /nJobs/);
  });
});
