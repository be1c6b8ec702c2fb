import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runOnnx } from '../../test-support/run-onnx.js';
import { loadTabularSet } from '../../test-support/tabular-sets.js';
import { loadUciSentences } from '../../test-support/text-sets.js';
import { learnerToOnnx } from '../onnx/learner-export.js';
import { ModelPipeline } from '../pipeline/model-pipeline.js';
import { Ensemble } from './ensemble.js';
import { createLearner, loadLearner } from './learner-registry.js';

const MEMBERS = [
  { algorithm: 'logistic-regression', params: {} },
  { algorithm: 'random-forest', params: { nEstimators: 20 } },
  { algorithm: 'gradient-boosting', params: { maxIter: 20 } },
];

describe('Ensemble: the average of a few learners', () => {
  test('classification: its probabilities are the mean of its members fitted alone; artifact and ONNX agree', async () => {
    const d = loadTabularSet('wine', { standardise: true });
    const e = new Ensemble({ members: MEMBERS }).fit(d.xTrain, d.yTrain, { seed: 4 });
    const p = e.predictProba(d.xTest);
    const alone = MEMBERS.map((m) =>
      createLearner(m.algorithm, m.params).fit(d.xTrain, d.yTrain, { seed: 4 }).predictProba?.(d.xTest),
    ) as Float64Array[];
    for (let i = 0; i < p.length; i++) {
      const mean = alone.reduce((a, q) => a + (q[i] as number), 0) / alone.length;
      assert.ok(Math.abs((p[i] as number) - mean) < 1e-12, `cell ${i}`);
    }
    const restored = loadLearner(e.toArtifact());
    assert.deepEqual(Array.from(restored.predictProba?.(d.xTest) ?? []), Array.from(p));
    const out = await runOnnx(learnerToOnnx(e), d.xTest);
    const onnxP = out.probabilities?.data as Float32Array;
    for (let i = 0; i < p.length; i++) assert.ok(Math.abs((onnxP[i] as number) - (p[i] as number)) < 1e-4, `prob ${i}`);
    assert.deepEqual(Array.from(out.label?.data as BigInt64Array, Number), Array.from(e.predict(d.xTest)));
  });

  test('regression: the mean of its members’ values, in ONNX too', async () => {
    const d = loadTabularSet('diabetes', { standardise: true, classify: false });
    const members = [
      { algorithm: 'ridge', params: {} },
      { algorithm: 'random-forest', params: { nEstimators: 20 } },
    ];
    const e = new Ensemble({ task: 'regression', members }).fit(d.xTrain, d.yTrain);
    const v = e.predict(d.xTest);
    const ridge = createLearner('ridge').fit(d.xTrain, d.yTrain).predict(d.xTest);
    const forest = createLearner('random-forest', { task: 'regression', nEstimators: 20 })
      .fit(d.xTrain, d.yTrain)
      .predict(d.xTest);
    for (let i = 0; i < v.length; i++)
      assert.ok(Math.abs((v[i] as number) - ((ridge[i] as number) + (forest[i] as number)) / 2) < 1e-9);
    const out = await runOnnx(learnerToOnnx(e), d.xTest);
    const onnxV = out.value?.data as Float32Array;
    for (let i = 0; i < v.length; i++)
      assert.ok(Math.abs((onnxV[i] as number) - (v[i] as number)) < 1e-2, `value ${i}`);
  });

  test('weights: a member weighing 2 counts twice in the average, in ONNX too', async () => {
    const d = loadTabularSet('wine', { standardise: true });
    const members = MEMBERS.slice(0, 2);
    const e = new Ensemble({ members, weights: [2, 1] }).fit(d.xTrain, d.yTrain);
    const p = e.predictProba(d.xTest);
    const [a, b] = members.map((m) =>
      createLearner(m.algorithm, m.params).fit(d.xTrain, d.yTrain).predictProba?.(d.xTest),
    ) as Float64Array[];
    for (let i = 0; i < p.length; i++)
      assert.ok(Math.abs((p[i] as number) - (2 * (a?.[i] as number) + (b?.[i] as number)) / 3) < 1e-12);
    const onnxP = (await runOnnx(learnerToOnnx(e), d.xTest)).probabilities?.data as Float32Array;
    for (let i = 0; i < p.length; i++) assert.ok(Math.abs((onnxP[i] as number) - (p[i] as number)) < 1e-4);
    assert.throws(() => new Ensemble({ members, weights: [1] }), /one positive number per member/);
    assert.throws(() => new Ensemble({ members, weights: [1, 0] }), /one positive number per member/);
  });

  test('refuses what it cannot average', () => {
    assert.throws(() => new Ensemble({ members: [MEMBERS[0] as (typeof MEMBERS)[0]] }), /2 to 10 learners/);
    assert.throws(
      () => new Ensemble({ members: [...MEMBERS, { algorithm: 'ensemble', params: {} }] }),
      /cannot be an ensemble/,
    );
    assert.throws(
      () => new Ensemble({ members: [...MEMBERS, { algorithm: 'lasso', params: {} }] }),
      /unknown learner "lasso"/,
    );
    assert.throws(
      () =>
        new Ensemble({
          task: 'regression',
          members: [...MEMBERS.slice(1), { algorithm: 'logistic-regression', params: {} }],
        }),
      /logistic-regression cannot learn regression/,
    );
    const d = loadTabularSet('iris', { standardise: true });
    const withNb = new Ensemble({
      members: [MEMBERS[0] as (typeof MEMBERS)[0], { algorithm: 'naive-bayes', params: {} }],
    });
    assert.throws(
      () => withNb.fit(d.xTrain, d.yTrain, { sampleWeight: new Float64Array(d.yTrain.length).fill(1) }),
      /naive-bayes does not take class weights/,
    );
  });
});

describe('Ensemble on text: members that take sparse rows keep them sparse', () => {
  test('NB-SVM and TF-IDF logistic regression on the UCI Amazon sentences: the mean of the two pipelines', () => {
    const { frame, folds } = loadUciSentences('amazon');
    const train = frame.take(Int32Array.from(folds.flatMap((f, i) => (f !== 0 ? [i] : []))));
    const test = frame.take(Int32Array.from(folds.flatMap((f, i) => (f === 0 ? [i] : []))));
    const text = { ngramRange: [1, 2] as [number, number], sublinearTf: true };
    const members = [
      { algorithm: 'nb-svm', params: {} },
      { algorithm: 'logistic-regression', params: { C: 4 } },
    ];
    const e = ModelPipeline.fit(train, 'label', 'ensemble', { members }, { text });
    assert.equal((e.learner as Ensemble).sparseInput, true);
    const p = e.predictProba(test);
    const alone = members.map((m) =>
      ModelPipeline.fit(train, 'label', m.algorithm, m.params, { text }).predictProba(test),
    );
    for (let i = 0; i < p.length; i++) {
      const mean = ((alone[0]?.[i] as number) + (alone[1]?.[i] as number)) / 2;
      assert.ok(Math.abs((p[i] as number) - mean) < 1e-9, `cell ${i}`);
    }
    const labels = e.predict(test) as string[];
    const truth = test.column('label');
    const right = labels.filter(
      (l, i) => truth.kind === 'categorical' && l === truth.dictionary[truth.codes[i] as number],
    );
    assert.ok(right.length / labels.length > 0.75, `accuracy ${right.length / labels.length}`);
  });
});
