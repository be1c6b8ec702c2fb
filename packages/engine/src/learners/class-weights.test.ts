import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, test } from 'node:test';
import { loadTabularSet, type TabularSplit } from '../../test-support/tabular-sets.js';
import { Frame } from '../frame/frame.js';
import { ModelPipeline } from '../pipeline/model-pipeline.js';
import { type ClassWeight, classSampleWeights } from './class-weights.js';
import type { Learner } from './learner.js';
import { createLearner, learnerDefinition, learnerNames } from './learner-registry.js';

/**
 * scikit-learn 1.2.1's fits with class_weight on digits as "is it a 9?" (144 of 1,438
 * training rows positive): bench/reference/class_weight_sklearn.py wrote the file.
 */
interface Reference {
  results: Record<
    string,
    Record<
      'none' | 'balanced' | 'explicit',
      {
        balancedAccuracy: number;
        recall: number;
        predictedPositives: number;
        coef?: number[];
        intercept?: number;
        decision?: number[];
      }
    >
  >;
}
const REF = JSON.parse(
  fs.readFileSync(new URL('../../test-support/class-weight-reference.json', import.meta.url), 'utf8'),
) as Reference;

const WEIGHTINGS: Record<'none' | 'balanced' | 'explicit', ClassWeight | undefined> = {
  none: undefined,
  balanced: 'balanced',
  explicit: { '0': 1, '1': 5 },
};

function nines(standardise: boolean): TabularSplit & { y: Float64Array; yTest01: Float64Array } {
  const s = loadTabularSet('digits', { standardise });
  return {
    ...s,
    y: Float64Array.from(s.yTrain, (v) => (v === 9 ? 1 : 0)),
    yTest01: Float64Array.from(s.yTest, (v) => (v === 9 ? 1 : 0)),
  };
}

function fitWeighted(name: string, params: Record<string, unknown>, d: ReturnType<typeof nines>, w?: ClassWeight) {
  const sampleWeight = w ? classSampleWeights(d.y, ['0', '1'], w) : undefined;
  return createLearner(name, params).fit(d.xTrain, d.y, { sampleWeight });
}

function balancedAccuracyOf(m: Learner, d: ReturnType<typeof nines>): number {
  const p = m.predict(d.xTest);
  const hit = [0, 0];
  const n = [0, 0];
  d.yTest01.forEach((y, i) => {
    n[y] = (n[y] as number) + 1;
    if (p[i] === y) hit[y] = (hit[y] as number) + 1;
  });
  return ((hit[0] as number) / (n[0] as number) + (hit[1] as number) / (n[1] as number)) / 2;
}

describe('class weights', () => {
  test('"balanced" gives every class the same total weight (n / (K·n_c)); explicit weights name labels', () => {
    const y = [0, 0, 0, 1, 2, 2];
    const w = classSampleWeights(y, ['a', 'b', 'c'], 'balanced');
    assert.deepEqual(Array.from(w), [6 / 9, 6 / 9, 6 / 9, 2, 1, 1]);
    assert.deepEqual(Array.from(classSampleWeights(y, ['a', 'b', 'c'], { b: 4 })), [1, 1, 1, 4, 1, 1]);
    assert.throws(() => classSampleWeights(y, ['a', 'b', 'c'], { d: 2 }), /"d", which is not a class/);
    assert.throws(() => classSampleWeights(y, ['a', 'b', 'c'], { a: -1 }), /positive/);
  });

  test('the learners that take sample weights are the ones the issue names', () => {
    const weighted = learnerNames().filter((n) => learnerDefinition(n).sampleWeights);
    assert.deepEqual(weighted.sort(), [
      'decision-tree',
      'ensemble', // passes them to its members, and refuses members that cannot take them
      'gradient-boosting',
      'kernel-svm',
      'linear-svm',
      'logistic-regression',
      'mlp',
      'random-forest',
    ]);
  });

  for (const w of ['none', 'balanced', 'explicit'] as const) {
    test(`logistic regression (${w}): scikit-learn's weights, and Σ w·p = Σ w·y at the optimum`, () => {
      const d = nines(true);
      const m = fitWeighted('logistic-regression', { tol: 1e-8 }, d, WEIGHTINGS[w]) as Learner & {
        coef: Float64Array;
        intercept: Float64Array;
      };
      const ref = REF.results['logistic-regression']?.[w];
      assert.ok(ref?.coef);
      let worst = 0;
      ref.coef.forEach((v, j) => {
        worst = Math.max(worst, Math.abs(v - (m.coef[j] as number)));
      });
      assert.ok(worst < 2e-3, `largest coefficient difference ${worst}`);
      assert.ok(Math.abs((m.intercept[0] as number) - (ref.intercept as number)) < 5e-3);
      // The intercept is not penalised, so its gradient Σ w_i (p_i − y_i) vanishes.
      const sw = WEIGHTINGS[w]
        ? classSampleWeights(d.y, ['0', '1'], WEIGHTINGS[w])
        : new Float64Array(d.y.length).fill(1);
      const p = m.predictProba?.(d.xTrain) as Float64Array;
      let gap = 0;
      let total = 0;
      d.y.forEach((y, i) => {
        gap += (sw[i] as number) * ((p[i * 2 + 1] as number) - y);
        total += sw[i] as number;
      });
      assert.ok(Math.abs(gap / total) < 1e-5, `weighted calibration gap ${gap / total}`);
    });

    for (const solver of ['primal', 'dual'] as const)
      test(`linear SVM, ${solver} solver (${w}): liblinear's weighted C gives scikit-learn's weights`, () => {
        const d = nines(true);
        const params = solver === 'dual' ? { solver, tol: 1e-6, maxIter: 20000 } : { solver, tol: 1e-8 };
        const m = fitWeighted('linear-svm', params, d, WEIGHTINGS[w]) as Learner & { coef: Float64Array };
        const ref = REF.results['linear-svm']?.[w];
        let worst = 0;
        ref?.coef?.forEach((v, j) => {
          worst = Math.max(worst, Math.abs(v - (m.coef[j] as number)));
        });
        assert.ok(worst < 1e-4, `largest coefficient difference ${worst}`);
      });

    test(`kernel SVM (${w}): libsvm's per-class C gives scikit-learn's decision values`, () => {
      const d = nines(true);
      const m = fitWeighted('kernel-svm', { tol: 1e-5 }, d, WEIGHTINGS[w]) as Learner & {
        decisionFunction(x: typeof d.xTest): Float64Array;
      };
      const f = m.decisionFunction(d.xTest);
      let worst = 0;
      // scikit-learn's binary decision is positive for class 1; the engine's pair (0, 1) for class 0.
      REF.results['kernel-svm']?.[w].decision?.forEach((v, i) => {
        worst = Math.max(worst, Math.abs(v + (f[i] as number)));
      });
      assert.ok(worst < 5e-3, `largest decision difference ${worst}`);
    });
  }

  for (const [name, tolerance] of [
    ['decision-tree', 0.06],
    ['random-forest', 0.04],
    ['gradient-boosting', 0.03],
  ] as const)
    test(`${name}: balanced accuracy with class weights within ${tolerance} of scikit-learn's`, () => {
      const d = nines(false);
      for (const w of ['none', 'balanced', 'explicit'] as const) {
        const ours = balancedAccuracyOf(fitWeighted(name, {}, d, WEIGHTINGS[w]), d);
        const theirs = REF.results[name]?.[w].balancedAccuracy as number;
        assert.ok(Math.abs(ours - theirs) <= tolerance, `${w}: ${ours.toFixed(3)} vs scikit-learn ${theirs}`);
      }
    });

  test("a tree's leaves hold weighted class shares: with balanced weights the training rows' weighted mean P(9) is ½", () => {
    const d = nines(false);
    const sw = classSampleWeights(d.y, ['0', '1'], 'balanced');
    for (const params of [{ maxDepth: 3 }, {}]) {
      const p = fitWeighted('decision-tree', params, d, 'balanced').predictProba?.(d.xTrain) as Float64Array;
      let num = 0;
      let den = 0;
      sw.forEach((w, i) => {
        num += w * (p[i * 2 + 1] as number);
        den += w;
      });
      assert.ok(Math.abs(num / den - 0.5) < 1e-9, `weighted mean ${num / den}`);
      const plain = fitWeighted('decision-tree', params, d).predictProba?.(d.xTrain) as Float64Array;
      const mean = d.y.reduce((a, _, i) => a + (plain[i * 2 + 1] as number), 0) / d.y.length;
      assert.ok(Math.abs(mean - 144 / 1438) < 1e-9, `unweighted mean ${mean}`);
    }
  });

  test('gradient boosting and the MLP lean towards a class that weighs more (scikit-learn has no MLP weights to compare)', () => {
    const d = nines(true);
    const meanP9 = (m: Learner) => {
      const p = m.predictProba?.(d.xTest) as Float64Array;
      let s = 0;
      for (let i = 0; i < d.xTest.rows; i++) s += p[i * 2 + 1] as number;
      return s / d.xTest.rows;
    };
    for (const [name, params] of [
      ['mlp', { hiddenLayers: [16], maxIter: 50 }],
      ['gradient-boosting', { maxIter: 30 }],
    ] as const) {
      const plain = meanP9(fitWeighted(name, params, d));
      const heavy = meanP9(fitWeighted(name, params, d, { '1': 9 }));
      assert.ok(heavy > plain * 1.15, `${name}: mean P(9) ${plain.toFixed(4)} → ${heavy.toFixed(4)}`);
    }
  });

  test('a pipeline takes classWeight by label, and refuses it where it cannot apply', () => {
    const frame = Frame.fromRecords(
      Array.from({ length: 40 }, (_, i) => ({ x: i, label: i % 5 === 0 ? 'buyer' : 'browser' })),
    );
    const plain = ModelPipeline.fit(frame, 'label', 'logistic-regression', {}, { task: 'classification' });
    const weighted = ModelPipeline.fit(
      frame,
      'label',
      'logistic-regression',
      {},
      {
        task: 'classification',
        classWeight: { buyer: 4 },
      },
    );
    const share = (m: ModelPipeline) => (m.predict(frame) as string[]).filter((l) => l === 'buyer').length;
    assert.ok(share(weighted) > share(plain), `${share(plain)} → ${share(weighted)} rows called buyers`);
    assert.throws(
      () => ModelPipeline.fit(frame, 'label', 'naive-bayes', {}, { task: 'classification', classWeight: 'balanced' }),
      /naive-bayes does not take class weights/,
    );
    assert.throws(
      () => ModelPipeline.fit(frame, 'x', 'ridge', {}, { task: 'regression', classWeight: 'balanced' }),
      /classification only/,
    );
  });
});
