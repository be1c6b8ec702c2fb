import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runOnnx } from '../../test-support/run-onnx.js';
import { loadTabularSet } from '../../test-support/tabular-sets.js';
import { learnerToOnnx } from '../onnx/learner-export.js';
import { StandardScaler } from '../preprocessing/standard-scaler.js';
import type { Learner } from './learner.js';
import { createLearner, learnerNames, loadLearner } from './learner-registry.js';

/** Fits on raw features with a scaler in front, as a pipeline would. */
function fitScaled(name: string, set: string, classify: boolean) {
  const data = loadTabularSet(set, { classify });
  const scaler = new StandardScaler().fit(data.xTrain);
  const learner: Learner = createLearner(name).fit(scaler.transform(data.xTrain), data.yTrain);
  return { data, scaler, learner };
}

describe('linear learners: registry, artifacts and ONNX export', () => {
  test('the registry knows its learners and refuses unknown names and params', () => {
    assert.deepEqual(learnerNames().sort(), [
      'decision-tree',
      'ensemble',
      'gradient-boosting',
      'k-means',
      'kernel-svm',
      'linear-regression',
      'linear-svm',
      'logistic-regression',
      'mlp',
      'naive-bayes',
      'nb-svm',
      'random-forest',
      'ridge',
    ]);
    assert.throws(() => createLearner('svm-2000'), /unknown learner "svm-2000" \(known: /);
    assert.throws(() => createLearner('ridge', { lambda: 3 }), /ridge has no parameter "lambda"/);
    assert.equal(createLearner('ridge').params.alpha, 1);
  });

  for (const set of ['breast_cancer', 'iris']) {
    test(`logistic regression on ${set}: ONNX labels equal the engine's, probabilities within 1e-4`, async () => {
      const { data, scaler, learner } = fitScaled('logistic-regression', set, true);
      const xTest = scaler.transform(data.xTest);
      const labels = learner.predict(xTest);
      const proba = learner.predictProba?.(xTest) as Float64Array;
      const out = await runOnnx(learnerToOnnx(learner, { scaler }), data.xTest);
      assert.deepEqual(Array.from(out.label?.data as BigInt64Array, Number), Array.from(labels));
      const p = out.probabilities?.data as Float32Array;
      assert.equal(p.length, proba.length);
      for (let i = 0; i < p.length; i++) assert.ok(Math.abs((p[i] as number) - (proba[i] as number)) < 1e-4, `p[${i}]`);
    });
  }

  test('ridge on diabetes: ONNX values equal the engine predictions (float32 rounding)', async () => {
    const { data, scaler, learner } = fitScaled('ridge', 'diabetes', false);
    const want = learner.predict(scaler.transform(data.xTest));
    const got = (await runOnnx(learnerToOnnx(learner, { scaler }), data.xTest)).value?.data as Float32Array;
    assert.equal(got.length, want.length);
    for (let i = 0; i < got.length; i++)
      assert.ok(Math.abs((got[i] as number) - (want[i] as number)) < 1e-3 * Math.max(1, Math.abs(want[i] as number)));
  });

  test('artifacts restore the same predictions', () => {
    for (const [name, set, classify] of [
      ['logistic-regression', 'wine', true],
      ['linear-regression', 'diabetes', false],
    ] as const) {
      const { data, scaler, learner } = fitScaled(name, set, classify);
      const xTest = scaler.transform(data.xTest);
      const restored = loadLearner(learner.toArtifact());
      assert.equal(restored.name, name);
      assert.deepEqual(restored.predict(xTest), learner.predict(xTest));
    }
  });
});
