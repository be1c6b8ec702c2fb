import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { loadTabularSet, tabularSet } from '../../test-support/tabular-sets.js';
import { accuracy } from '../evaluation/classification-metrics.js';
import { rmse } from '../evaluation/regression-metrics.js';
import type { DenseMatrix } from '../linalg/dense-matrix.js';
import { learnerToOnnx } from '../onnx/learner-export.js';
import { Rng } from '../random/rng.js';
import { taskWorkersReady } from '../threads/task-pool.js';
import { loadLearner } from './learner-registry.js';
import { Mlp } from './mlp.js';

describe('Mlp', () => {
  for (const [task, k] of [
    ['classification', 3],
    ['classification', 2],
    ['regression', 1],
  ] as const) {
    test(`back-propagation matches finite differences (${task}, ${k} output classes/values)`, () => {
      const rng = new Rng(5);
      const x: DenseMatrix = { rows: 7, cols: 4, data: Float64Array.from({ length: 28 }, () => rng.normal()) };
      const y = Array.from({ length: 7 }, (_, i) => (task === 'regression' ? rng.normal() : i % k));
      for (const activation of ['relu', 'tanh'] as const) {
        const m = new Mlp({ task, hiddenLayers: [5, 3], activation, alpha: 0.1, maxIter: 1 }).fit(x, y, { seed: 1 });
        const { gradW, gradB } = m.lossAndGradients(x, y);
        const h = 1e-6;
        for (const [params, grads] of [
          [m.weights, gradW],
          [m.biases, gradB],
        ] as const) {
          params.forEach((w, l) => {
            for (let i = 0; i < w.length; i += 3) {
              const keep = w[i] as number;
              w[i] = keep + h;
              const up = m.lossAndGradients(x, y).loss;
              w[i] = keep - h;
              const down = m.lossAndGradients(x, y).loss;
              w[i] = keep;
              const numeric = (up - down) / (2 * h);
              const analytic = (grads[l] as Float64Array)[i] as number;
              assert.ok(
                Math.abs(numeric - analytic) < 1e-5 * Math.max(1, Math.abs(numeric)),
                `${activation} layer ${l} [${i}]: ${numeric} vs ${analytic}`,
              );
            }
          });
        }
      }
    });
  }

  // scikit-learn MLPClassifier((128, 64), max_iter=50, random_state=0) on the same standardised
  // rows. Random initialisation moves single runs by a row or two, so the mean over five seeds
  // (two on digits, the slowest)
  // must be within one point; on wine's 36 test rows, within one row.
  for (const [name, sklearn, tolerance] of [
    ['breast_cancer', 0.9823, 0.01],
    ['wine', 1.0, 1 / 36],
    ['digits', 0.9721, 0.01],
  ] as const) {
    test(`${name}: mean accuracy over seeds within tolerance of scikit-learn's ${sklearn}`, tabularSet(name), () => {
      const d = loadTabularSet(name, { standardise: true });
      let sum = 0;
      const seeds = name === 'digits' ? 2 : 5;
      for (let seed = 0; seed < seeds; seed++) {
        const m = new Mlp({ hiddenLayers: [128, 64], maxIter: 50 }).fit(d.xTrain, d.yTrain, { seed });
        sum += accuracy(d.yTest, m.predict(d.xTest) as Int32Array);
      }
      assert.ok(sum / seeds >= sklearn - tolerance, `${sum / seeds}`);
    });
  }

  test('regression learns a smooth function', () => {
    const rng = new Rng(3);
    const n = 400;
    const x: DenseMatrix = { rows: n, cols: 2, data: Float64Array.from({ length: 2 * n }, () => rng.next() * 4 - 2) };
    const y = Array.from(
      { length: n },
      (_, i) => Math.sin(x.data[2 * i] as number) + 0.5 * (x.data[2 * i + 1] as number),
    );
    const m = new Mlp({ task: 'regression', hiddenLayers: [32], maxIter: 300, learningRate: 0.01 }).fit(x, y, {
      seed: 0,
    });
    // The target's spread is about 0.9; an RMSE under 0.15 means the shape was learned.
    assert.ok(rmse(y, m.predict(x)) < 0.15, `${rmse(y, m.predict(x))}`);
  });

  test('early stopping holds out rows, stops when their accuracy stalls, and keeps the best epoch', () => {
    const d = loadTabularSet('breast_cancer', { standardise: true });
    const scores: number[] = [];
    const params = { hiddenLayers: [32], maxIter: 500, learningRate: 0.01, earlyStopping: true, nIterNoChange: 10 };
    const m = new Mlp(params).fit(d.xTrain, d.yTrain, {
      seed: 1,
      onProgress: (p) => scores.push(p.metrics?.validationScore as number),
    });
    assert.ok(m.epochs < 500, `stopped after ${m.epochs} epochs`);
    assert.equal(scores.length, m.epochs);
    // It ran nIterNoChange epochs past the best one, whose weights it kept.
    const bestEpoch = scores.indexOf(Math.max(...scores));
    assert.ok(m.epochs - 1 - bestEpoch >= 10, `best epoch ${bestEpoch} of ${m.epochs}: ${scores.join(' ')}`);
    const acc = accuracy(d.yTest, m.predict(d.xTest));
    assert.ok(acc >= 0.93, `held-out accuracy ${acc}`);
    assert.throws(() => new Mlp({ validationFraction: 1 }), /validationFraction/);
  });

  test('ONNX (MatMul, Add, Relu, Softmax/Sigmoid, ArgMax) answers as the engine; the artifact restores it', async () => {
    for (const name of ['iris', 'breast_cancer']) {
      const d = loadTabularSet(name, { standardise: true });
      const m = new Mlp({ hiddenLayers: [16, 8], maxIter: 30 }).fit(d.xTrain, d.yTrain, { seed: 0 });
      const session = await ort.InferenceSession.create(learnerToOnnx(m));
      const out = await session.run({
        features: new ort.Tensor('float32', Float32Array.from(d.xTest.data), [d.xTest.rows, d.xTest.cols]),
      });
      await session.release();
      assert.deepEqual(Array.from(out.label?.data as BigInt64Array, Number), Array.from(m.predict(d.xTest)), name);
      const p = out.probabilities?.data as Float32Array;
      const want = m.predictProba(d.xTest);
      for (let i = 0; i < p.length; i++) assert.ok(Math.abs((p[i] as number) - (want[i] as number)) < 1e-4);
      assert.deepEqual(loadLearner(m.toArtifact()).predict(d.xTest), m.predict(d.xTest));
    }
  });

  test('digits: the same network on one thread or two, and a worker thread computes gradient ranges', async () => {
    const d = loadTabularSet('digits', { standardise: true });
    await taskWorkersReady(1, new URL('./mlp-network.ts', import.meta.url));
    const params = { hiddenLayers: [64], maxIter: 5 };
    const alone = new Mlp({ ...params, nJobs: 1 }).fit(d.xTrain, d.yTrain, { seed: 2 });
    const shared = new Mlp({ ...params, nJobs: 2 }).fit(d.xTrain, d.yTrain, { seed: 2 });
    assert.equal(alone.stepsRunByWorkers, 0);
    assert.ok(shared.stepsRunByWorkers > 0, 'a worker thread computed gradient ranges');
    assert.deepEqual(shared.weights, alone.weights);
    assert.deepEqual(shared.biases, alone.biases);
    assert.ok(
      shared.weights.every((w) => w.buffer instanceof ArrayBuffer),
      'the fitted weights are plain arrays',
    );
    assert.throws(() => new Mlp({ nJobs: 0.5 }), /nJobs/);
  });
});
