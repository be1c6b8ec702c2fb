import assert from 'node:assert/strict';
import { test } from 'node:test';
import { precisionRecallCurve } from './curves.js';
import { topShareMetrics } from './top-share-metrics.js';

test('hits and lift in the top share, by hand', () => {
  // 10 rows, 3 positives; by score the order is rows 0, 2, 4, 1, 3, 5, 6, 7, 8, 9.
  const positive = [1, 0, 1, 0, 0, 0, 0, 0, 1, 0];
  const score = [0.9, 0.7, 0.85, 0.6, 0.8, 0.5, 0.4, 0.3, 0.2, 0.1];
  const top10 = topShareMetrics(positive, score, 0.1); // row 0: a positive
  assert.equal(top10.hits, 1 / 3);
  assert.ok(Math.abs(top10.lift - 1 / 0.3) < 1e-12);
  const top30 = topShareMetrics(positive, score, 0.3); // rows 0, 2, 4: two positives
  assert.equal(top30.hits, 2 / 3);
  assert.ok(Math.abs(top30.lift - 2 / 3 / 0.3) < 1e-12);
  assert.deepEqual(topShareMetrics(positive, score, 1), { hits: 1, lift: 1 });
  assert.throws(() => topShareMetrics([0, 0], [1, 2], 0.5), /positives/);
});

test("average precision as scikit-learn's average_precision_score gives it", () => {
  // sklearn.metrics.average_precision_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == 0.8333…
  assert.ok(Math.abs(precisionRecallCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]).averagePrecision - 5 / 6) < 1e-12);
});
