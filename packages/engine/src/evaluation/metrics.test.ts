import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  accuracy,
  balancedAccuracy,
  confusionMatrix,
  logLoss,
  precisionRecallF1,
  rocAuc,
  rocAucOvr,
} from './classification-metrics.js';
import { mae, r2, rmse } from './regression-metrics.js';
import { silhouetteScore } from './silhouette.js';

const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

describe('classification metrics (values computed by hand)', () => {
  // 3 classes, 8 rows.
  const yTrue = [0, 0, 0, 1, 1, 2, 2, 2];
  const yPred = [0, 1, 0, 1, 2, 2, 2, 0];

  test('accuracy and the confusion matrix', () => {
    close(accuracy(yTrue, yPred), 5 / 8);
    // rows: true 0 → [2,1,0]; true 1 → [0,1,1]; true 2 → [1,0,2]
    assert.deepEqual(Array.from(confusionMatrix(yTrue, yPred, 3)), [2, 1, 0, 0, 1, 1, 1, 0, 2]);
  });

  test('precision, recall, F1 per class and macro; balanced accuracy', () => {
    const r = precisionRecallF1(yTrue, yPred, 3);
    // class 0: tp 2, predicted 3, actual 3 → p 2/3, r 2/3
    // class 1: tp 1, predicted 2, actual 2 → p 1/2, r 1/2
    // class 2: tp 2, predicted 3, actual 3 → p 2/3, r 2/3
    for (const [c, v] of [2 / 3, 1 / 2, 2 / 3].entries()) {
      close(r.precision[c] as number, v);
      close(r.recall[c] as number, v);
      close(r.f1[c] as number, v);
    }
    close(r.macroF1, (2 / 3 + 1 / 2 + 2 / 3) / 3);
    assert.deepEqual(Array.from(r.support), [3, 2, 3]);
    close(balancedAccuracy(yTrue, yPred, 3), (2 / 3 + 1 / 2 + 2 / 3) / 3);
    // A class never predicted has precision 0, not NaN.
    const none = precisionRecallF1([0, 1], [0, 0], 2);
    assert.equal(none.precision[1], 0);
    close(none.f1[0] as number, 2 / 3); // p 1/2, r 1 → 2·(1/2)/(3/2)
  });

  test('log loss', () => {
    // −(ln 0.8 + ln 0.6) / 2
    close(logLoss([0, 1], [0.8, 0.2, 0.4, 0.6], 2), -(Math.log(0.8) + Math.log(0.6)) / 2);
    // A zero probability is clipped, not infinite.
    assert.ok(Number.isFinite(logLoss([0], [0, 1], 2)));
  });

  test('ROC AUC: pairs ranked correctly, ties counted half', () => {
    // positives 0.8, 0.4; negatives 0.1, 0.4, 0.35 → pairs: (0.8 > all) 3, (0.4 > 0.1, 0.35) 2, tie 0.5 → 5.5 / 6
    close(rocAuc([1, 0, 1, 0, 0], [0.8, 0.1, 0.4, 0.4, 0.35]), 5.5 / 6);
    close(rocAuc([1, 1, 0, 0], [0.9, 0.8, 0.2, 0.1]), 1);
    close(rocAuc([0, 0, 1, 1], [0.9, 0.8, 0.2, 0.1]), 0);
    assert.throws(() => rocAuc([1, 1], [0.2, 0.3]));
  });

  test('one-vs-rest ROC AUC is the mean of the per-class AUCs', () => {
    const y = [0, 1, 2, 0];
    const p = [0.7, 0.2, 0.1, 0.3, 0.4, 0.3, 0.2, 0.3, 0.5, 0.4, 0.5, 0.1];
    // class 0 scores [0.7,0.3,0.2,0.4] pos {0,3}: 0.7 > 0.3,0.2 (2); 0.4 > 0.3,0.2 (2) → 1
    // class 1 scores [0.2,0.4,0.3,0.5] pos {1}: 0.4 > 0.2,0.3, < 0.5 → 2/3
    // class 2 scores [0.1,0.3,0.5,0.1] pos {2}: 0.5 > all → 1
    close(rocAucOvr(y, p, 3), (1 + 2 / 3 + 1) / 3);
    close(rocAucOvr([0, 1, 1], [0.9, 0.1, 0.4, 0.6, 0.3, 0.7], 2), 1);
  });
});

describe('regression metrics (values computed by hand)', () => {
  const y = [3, -0.5, 2, 7];
  const p = [2.5, 0.0, 2, 8];
  test('RMSE, MAE and R² (the scikit-learn docs example)', () => {
    close(rmse(y, p), Math.sqrt(0.375));
    close(mae(y, p), 0.5);
    close(r2(y, p), 0.9486081370449679);
    close(r2([1, 1], [1, 1]), 1);
  });
});

describe('silhouette (computed by hand)', () => {
  test('two tight clusters on a line', () => {
    // points 0, 1 (cluster 0) and 10, 11 (cluster 1)
    // for 0: a = 1, b = (10 + 11)/2 = 10.5 → 9.5/10.5; for 1: a = 1, b = 9.5 → 8.5/9.5
    // symmetric for the other cluster
    const s = silhouetteScore([0, 1, 10, 11], 1, [0, 0, 1, 1]);
    close(s, (9.5 / 10.5 + 8.5 / 9.5 + 8.5 / 9.5 + 9.5 / 10.5) / 4);
  });
  test('a singleton scores 0', () => {
    // point 5 alone in cluster 1 contributes 0; 0 and 1: a = 1, b = 5 and 4
    const s = silhouetteScore([0, 1, 5], 1, [0, 0, 1]);
    close(s, (4 / 5 + 3 / 4 + 0) / 3);
  });
});
