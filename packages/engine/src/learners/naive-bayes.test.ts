import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { loadTabularSet, tabularSet } from '../../test-support/tabular-sets.js';
import { accuracy } from '../evaluation/classification-metrics.js';
import type { DenseMatrix } from '../linalg/dense-matrix.js';
import { learnerToOnnx } from '../onnx/learner-export.js';
import { loadLearner } from './learner-registry.js';
import { NaiveBayes } from './naive-bayes.js';

describe('NaiveBayes (multinomial)', () => {
  test('θ and priors by hand: two classes, two features, α = 1', () => {
    // class 0 rows: [2,0],[1,1] → counts [3,1], total 4 + 2α = 6 → θ = [4/6, 2/6]
    // class 1 row: [0,3] → counts [0,3], total 3 + 2 = 5 → θ = [1/5, 4/5]
    const x: DenseMatrix = { rows: 3, cols: 2, data: Float64Array.from([2, 0, 1, 1, 0, 3]) };
    const m = new NaiveBayes().fit(x, [0, 0, 1]);
    const expect = [Math.log(4 / 6), Math.log(2 / 6), Math.log(1 / 5), Math.log(4 / 5)];
    for (const [i, v] of expect.entries()) assert.ok(Math.abs((m.featureLogProb[i] as number) - v) < 1e-12);
    assert.ok(Math.abs((m.classLogPrior[0] as number) - Math.log(2 / 3)) < 1e-12);
    assert.throws(() => new NaiveBayes().fit({ rows: 1, cols: 1, data: Float64Array.from([-1]) }, [0]), />= 0/);
  });

  // scikit-learn MultinomialNB() on the same rows, raw features: within one point.
  for (const [name, sklearn] of [
    ['digits', 0.8969],
    ['spambase', 0.8089],
    ['letters', 0.541],
  ] as const) {
    test(`${name}: within 1 point of scikit-learn's ${sklearn}`, tabularSet(name), () => {
      const d = loadTabularSet(name);
      const acc = accuracy(d.yTest, new NaiveBayes().fit(d.xTrain, d.yTrain).predict(d.xTest));
      assert.ok(acc >= sklearn - 0.01, `${acc}`);
    });
  }

  test('ONNX (MatMul, Softmax, ArgMax) answers as the engine; the artifact restores it', async () => {
    const d = loadTabularSet('digits');
    const m = new NaiveBayes().fit(d.xTrain, d.yTrain);
    const session = await ort.InferenceSession.create(learnerToOnnx(m));
    const out = await session.run({
      features: new ort.Tensor('float32', Float32Array.from(d.xTest.data), [d.xTest.rows, d.xTest.cols]),
    });
    await session.release();
    assert.deepEqual(Array.from(out.label?.data as BigInt64Array, Number), Array.from(m.predict(d.xTest)));
    const p = out.probabilities?.data as Float32Array;
    const want = m.predictProba(d.xTest);
    for (let i = 0; i < p.length; i++) assert.ok(Math.abs((p[i] as number) - (want[i] as number)) < 1e-4);
    assert.deepEqual(loadLearner(m.toArtifact()).predict(d.xTest), m.predict(d.xTest));
  });
});
