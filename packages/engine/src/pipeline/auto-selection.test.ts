import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Frame } from '../frame/frame.js';
import { Rng } from '../random/rng.js';
import { selectEnsemble } from './auto-ensemble.js';
import { autoSelect } from './auto-selection.js';
import { trainWithHoldout } from './holdout-training.js';

/** Two classes on a ring (inside or outside radius 1): no line separates them, trees and MLPs do. */
function ring(n: number, seed: number): Frame {
  const rng = new Rng(seed);
  const records = Array.from({ length: n }, () => {
    const a = rng.normal();
    const b = rng.normal();
    return { a, b, noise: rng.normal(), inside: Math.hypot(a, b) < 1.1 ? 'yes' : 'no' };
  });
  return Frame.fromRecords(records, { inside: 'categorical' });
}

describe('auto: the portfolio scored by cross-validation, the best refitted and measured once', () => {
  const frame = ring(600, 1);
  const req = { target: 'inside', task: 'classification' as const, seed: 3 };

  it('picks a model that can draw a ring, and it beats the linear one on the held-out rows', () => {
    const out = autoSelect(frame, req, { timeBudgetS: 120 });
    const chosen = out.leaderboard[out.best];
    assert.ok(chosen && chosen.status === 'scored');
    assert.notEqual(out.algorithm, 'logistic-regression');
    assert.equal(out.metric, 'accuracy');
    // The winner has the best cross-validated accuracy of all fully scored candidates.
    for (const e of out.leaderboard)
      if (e.status === 'scored') assert.ok((e.cvMean as number) <= (chosen.cvMean as number));
    const linear = trainWithHoldout(frame, { ...req, algorithm: 'logistic-regression' });
    assert.ok(
      (out.metrics.accuracy as number) > (linear.metrics.accuracy as number) + 0.15,
      JSON.stringify(out.metrics),
    );
    // Every candidate is on the leaderboard with its time (then the ensemble, when one was built).
    assert.equal(out.leaderboard.filter((e) => e.algorithm !== 'ensemble').length, 7);
    for (const e of out.leaderboard) assert.ok(e.seconds >= 0 && e.foldsScored <= 3);
    const svm = out.leaderboard.find((e) => e.algorithm === 'linear-svm');
    assert.ok(svm?.status === 'stopped early' && svm.foldsScored === 1, JSON.stringify(svm));
    // The same held-out rows as any training with this seed.
    assert.equal(out.nTest, linear.nTest);
  });

  it('a budget spent after the first candidate leaves the rest unscored, and says so', () => {
    let t = 0;
    const out = autoSelect(frame, req, { timeBudgetS: 1 }, { now: () => (t += 400) });
    assert.equal(out.leaderboard[0]?.status, 'scored');
    assert.ok(out.leaderboard.slice(1).every((e) => e.status === 'out of time' && e.foldsScored <= 1));
    assert.equal(out.algorithm, 'logistic-regression');
  });

  it('chooses by the metric asked for (lower is better for RMSE; ROC AUC needs probabilities)', () => {
    const rng = new Rng(5);
    const reg = Frame.fromRecords(
      Array.from({ length: 300 }, () => {
        const x = rng.normal();
        return { x, y: 3 * x + 0.1 * rng.normal() };
      }),
    );
    const out = autoSelect(reg, { target: 'y', task: 'regression', seed: 0 }, { timeBudgetS: 60 });
    assert.equal(out.metric, 'rmse');
    const scored = out.leaderboard.filter((e) => e.status === 'scored');
    assert.equal(out.leaderboard[out.best]?.cvMean, Math.min(...scored.map((e) => e.cvMean as number)));
    assert.equal(out.algorithm, 'ridge', 'a line is best for a line');
    const auc = autoSelect(
      frame,
      req,
      { metric: 'rocAuc' },
      {
        candidates: [
          { algorithm: 'linear-svm', params: {} },
          { algorithm: 'random-forest', params: { nEstimators: 30 } },
        ],
      },
    );
    assert.equal(auc.leaderboard[0]?.status, 'failed', 'a linear SVM gives no probabilities');
    assert.equal(auc.algorithm, 'random-forest');
  });
});

describe('auto with ensemble: a weighted average chosen by ensemble selection on out-of-fold predictions', () => {
  it('is on the leaderboard with the score its averaged predictions earn, and chosen only when it beats the best', () => {
    // A ring on which the forest and the boosting err on different rows (seed 3: weights 2 and 1).
    const frame = ring(500, 3);
    const candidates = [
      { algorithm: 'logistic-regression', params: {} },
      { algorithm: 'random-forest', params: { nEstimators: 40 } },
      { algorithm: 'gradient-boosting', params: { maxIter: 40 } },
      { algorithm: 'mlp', params: { hiddenLayers: [16], maxIter: 60 } },
      { algorithm: 'linear-svm', params: {} },
    ];
    const req = { target: 'inside', task: 'classification' as const, seed: 2 };
    const out = autoSelect(frame, req, { timeBudgetS: 600, ensemble: true }, { candidates });
    const ens = out.leaderboard.at(-1);
    assert.equal(ens?.algorithm, 'ensemble');
    const members = (ens?.params.members ?? []) as Array<{ algorithm: string }>;
    const weights = (ens?.params.weights ?? []) as number[];
    assert.ok(members.length >= 2 && weights.length === members.length);
    assert.ok(weights.every((w) => Number.isInteger(w) && w >= 1) && weights.reduce((a, b) => a + b, 0) <= 10);
    assert.ok(!members.some((m) => m.algorithm === 'linear-svm'), 'no probabilities, no place in an average');
    // It starts from the best candidate with probabilities and only ever improves on it.
    const singles = out.leaderboard.slice(0, -1).filter((e) => e.status === 'scored' && e.algorithm !== 'linear-svm');
    const bestWithProba = Math.max(...singles.map((e) => e.cvMean as number));
    assert.ok((ens?.cvMean as number) > bestWithProba, `${ens?.cvMean} vs ${bestWithProba}`);
    const bestSingle = Math.max(...out.leaderboard.slice(0, -1).map((e) => e.cvMean ?? 0));
    assert.equal(out.algorithm === 'ensemble', (ens?.cvMean as number) > bestSingle);
    // Scored again the slow way (each member refitted per fold): about the same number.
    const plain = autoSelect(
      frame,
      req,
      { timeBudgetS: 600 },
      { candidates: [{ algorithm: 'ensemble', params: ens?.params ?? {} }] },
    );
    assert.ok(
      Math.abs((plain.leaderboard[0]?.cvMean as number) - (ens?.cvMean as number)) < 0.02,
      `${plain.leaderboard[0]?.cvMean} vs ${ens?.cvMean}`,
    );
    assert.ok((out.metrics.accuracy as number) > 0.8, JSON.stringify(out.metrics));
  });

  it('ensemble selection picks complementary candidates, weighs them, and never a useless one', () => {
    // Three rows per fold, two classes; A is right on rows 0–1, B on rows 1–2, C always wrong.
    const y = Int32Array.from([1, 0, 1]);
    const fold = (p1: number[]) => ({
      metrics: {},
      y,
      proba: Float64Array.from(p1.flatMap((p) => [1 - p, p])),
    });
    const a = fold([0.9, 0.4, 0.45]);
    const b = fold([0.45, 0.1, 0.9]);
    const c = fold([0.2, 0.8, 0.1]);
    const picked = selectEnsemble([[a], [b], [c]], 'accuracy', false);
    assert.deepEqual(picked?.members, [0, 1]);
    assert.deepEqual(picked?.scores, [1]);
    assert.equal(selectEnsemble([[a], [c]], 'accuracy', false), undefined, 'C never helps: A alone, no ensemble');
  });
});
