import { accuracy, balancedAccuracy, logLoss, precisionRecallF1, rocAuc, rocAucOvr } from './classification-metrics.js';
import { precisionRecallCurve } from './curves.js';
import { mae, r2, rmse } from './regression-metrics.js';
import { topShareMetrics } from './top-share-metrics.js';

/**
 * What a classifier's predictions on labelled rows measure: accuracy, balanced accuracy,
 * macro F1; with probabilities also log loss and ROC AUC, and for two classes the
 * ranking metrics (average precision, hits and lift in the top 5% and 10%). `y` holds
 * class indices (−1: a class the model never saw, which leaves out the probability metrics).
 */
export function classificationMetrics(
  y: Int32Array,
  predicted: Int32Array,
  proba: Float64Array | undefined,
  k: number,
): Record<string, number> {
  const out: Record<string, number> = {
    accuracy: accuracy(y, predicted),
    balancedAccuracy: balancedAccuracy(y, predicted, k),
    macroF1: precisionRecallF1(y, predicted, k).macroF1,
  };
  if (!proba || !y.every((v) => v >= 0)) return out;
  out.logLoss = logLoss(y, proba, k);
  out.rocAuc =
    k === 2
      ? rocAuc(
          Array.from(y, (v) => v === 1),
          Array.from({ length: y.length }, (_, i) => proba[i * 2 + 1] as number),
        )
      : rocAucOvr(y, proba, k);
  // Two classes: judged as a ranking of who is positive (class 1, the second class), as
  // a campaign uses it: average precision, and hits and lift in the top 5% and 10%.
  if (k === 2 && y.some((v) => v === 1)) {
    const positive = Array.from(y, (v) => v === 1);
    const score = Array.from({ length: y.length }, (_, i) => proba[i * 2 + 1] as number);
    out.averagePrecision = precisionRecallCurve(positive, score, 2).averagePrecision;
    for (const pct of [5, 10]) {
      const top = topShareMetrics(positive, score, pct / 100);
      out[`hitsTop${pct}`] = top.hits;
      out[`liftTop${pct}`] = top.lift;
    }
  }
  return out;
}

/** What a regressor's predictions measure: RMSE, MAE, R². */
export function regressionMetrics(y: ArrayLike<number>, predicted: ArrayLike<number>): Record<string, number> {
  return { rmse: rmse(y, predicted), mae: mae(y, predicted), r2: r2(y, predicted) };
}
