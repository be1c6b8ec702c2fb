import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Frame } from '../frame/frame.js';
import { Rng } from '../random/rng.js';
import { crossValidationFoldScore, trainWithHoldout } from './holdout-training.js';
import { searchCombinations, searchHyperParameters, searchTrialScores } from './hyper-search.js';

function churnFrame(n: number, seed: number): Frame {
  const rng = new Rng(seed);
  const records = Array.from({ length: n }, () => {
    const hours = rng.normal() * 3;
    const plan = ['free', 'basic', 'gold'][rng.int(3)] as string;
    return {
      hours,
      plan,
      noise: rng.normal(),
      churn: hours + rng.normal() + (plan === 'gold' ? 1 : 0) < 1 ? 'yes' : 'no',
    };
  });
  return Frame.fromRecords(records, { plan: 'categorical', churn: 'categorical' });
}

// Sub-jobs compute a search's trials and a cross-validation's folds on other workers;
// given those scores, the search and the training must come out as in one process.
describe('scores computed apart give the same search and cross-validation', () => {
  const frame = churnFrame(400, 3);
  const req = {
    target: 'churn',
    algorithm: 'random-forest',
    task: 'classification' as const,
    params: { nEstimators: 10 },
    seed: 7,
  };

  test('a search from its trials scored one by one', () => {
    const search = { strategy: 'grid' as const, space: { maxDepth: [2, 4, 8], minSamplesLeaf: [1, 5] }, folds: 3 };
    const whole = searchHyperParameters(frame, req, search);
    const combos = searchCombinations(search, req.seed);
    assert.equal(combos.length, 6);
    const scores = combos.map((_, i) => searchTrialScores(frame, req, search, i));
    const apart = searchHyperParameters(frame, req, search, { trialScores: scores });
    assert.deepEqual(apart.trials, whole.trials);
    assert.equal(apart.best, whole.best);
    assert.deepEqual(apart.params, whole.params);
    assert.deepEqual(apart.metrics, whole.metrics);
    // The trials are real scores: not all the same, each an accuracy.
    assert.ok(new Set(whole.trials.map((t) => t.mean)).size > 1);
    for (const t of whole.trials) assert.ok(t.mean > 0.5 && t.mean <= 1);
    assert.throws(() => searchHyperParameters(frame, req, search, { trialScores: scores.map((s) => s.slice(1)) }));
  });

  test('cross-validation from its folds scored one by one', () => {
    const cv = { ...req, kFolds: 5 };
    const whole = trainWithHoldout(frame, cv);
    const folds = Array.from({ length: 5 }, (_, i) => crossValidationFoldScore(frame, cv, i));
    assert.deepEqual(folds, whole.crossValidation?.values);
    const apart = trainWithHoldout(frame, cv, { foldScores: folds });
    assert.deepEqual(apart.crossValidation, whole.crossValidation);
    assert.deepEqual(apart.metrics, whole.metrics);
  });
});
