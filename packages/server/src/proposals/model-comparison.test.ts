import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ruleVerdict } from './merge-rule.js';
import { compareModels } from './model-comparison.js';

describe('compareModels: a candidate against the current version on the same rows', () => {
  // 10 rows: the baseline gets rows 0-7 right, the candidate rows 2-9 and row 0.
  const truth = ['a', 'b', 'a', 'b', 'a', 'b', 'a', 'b', 'a', 'b'];
  const baseline = ['a', 'b', 'a', 'b', 'a', 'b', 'a', 'b', 'b', 'a'];
  const candidate = ['a', 'a', 'a', 'b', 'a', 'b', 'a', 'b', 'a', 'b'];

  test('metrics side by side, the difference, McNemar counts and agreement, by hand', () => {
    const c = compareModels('classification', truth, candidate, baseline, 1);
    const acc = c.metrics.accuracy;
    assert.ok(acc);
    assert.equal(acc.baseline, 0.8);
    assert.equal(acc.candidate, 0.9);
    assert.ok(Math.abs((acc.difference as number) - 0.1) < 1e-12);
    assert.ok(acc.interval && acc.interval.low <= 0.1 && acc.interval.high >= 0.1);
    // Baseline alone right: row 1; candidate alone right: rows 8 and 9.
    assert.deepEqual([c.mcnemar?.baselineOnlyRight, c.mcnemar?.candidateOnlyRight], [1, 2]);
    assert.ok(Math.abs((c.mcnemar?.pValue as number) - 1) < 1e-12, 'P(X≤1 | n=3) · 2 = 1');
    assert.equal(c.agreement, 0.7);
  });

  test('regression compares errors, lower being better', () => {
    const c = compareModels('regression', ['1', '2', '3', '4'], ['1', '2', '3', '5'], ['1', '2', '4', '5'], 0);
    assert.equal(c.metrics.mae?.baseline, 0.5);
    assert.equal(c.metrics.mae?.candidate, 0.25);
    assert.equal(c.metrics.mae?.lowerIsBetter, true);
    assert.equal(c.mcnemar, null);
    assert.equal(c.agreement, 0.75);
  });

  test('without a baseline only the candidate is measured', () => {
    const c = compareModels('classification', truth, candidate, null);
    assert.equal(c.metrics.accuracy?.baseline, null);
    assert.equal(c.metrics.accuracy?.difference, null);
    assert.equal(c.agreement, null);
  });

  test('the rule: how much worse may the candidate be, in the metric’s direction', () => {
    const better = compareModels('classification', truth, candidate, baseline);
    assert.equal(ruleVerdict('champion', { metric: 'accuracy', tolerance: 0 }, better).passed, true);
    const worse = compareModels('classification', truth, baseline, candidate);
    const strict = ruleVerdict('champion', { metric: 'accuracy', tolerance: 0.05 }, worse);
    assert.equal(strict.passed, false);
    assert.match(strict.reason, /accuracy 0\.8 against 0\.9: worse by 0\.1, more than the allowed 0\.05/);
    assert.equal(ruleVerdict('champion', { metric: 'accuracy', tolerance: 0.1 }, worse).passed, true);
    const reg = compareModels('regression', ['1', '2'], ['1', '3'], ['1', '2']);
    assert.equal(
      ruleVerdict('champion', { metric: 'rmse', tolerance: 0.1 }, reg).passed,
      false,
      'a higher RMSE is worse',
    );
    assert.equal(ruleVerdict('champion', { metric: 'nope', tolerance: 1 }, reg).passed, false);
  });
});
