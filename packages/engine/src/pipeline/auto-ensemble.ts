import { classificationMetrics, regressionMetrics } from '../evaluation/prediction-metrics.js';
import { argmaxRows } from '../learners/row-scores.js';
import type { EvaluatedPredictions } from './holdout-training.js';

/** How many of the best candidates `auto`'s ensemble averages. */
export const ENSEMBLE_SIZE = 3;

/**
 * An average's cross-validated score without fitting anything again: each fold's
 * out-of-fold predictions of the members (probabilities, or values for regression),
 * averaged, then measured as one model's would be. Undefined when a member lacks them.
 * `members[m][f]` is member m's predictions on fold f's held-out rows.
 */
export function ensembleFoldScores(members: EvaluatedPredictions[][], metric: string): number[] | undefined {
  const folds = members[0]?.length ?? 0;
  const scores: number[] = [];
  for (let f = 0; f < folds; f++) {
    const parts = members.map((m) => m[f]);
    const first = parts[0];
    if (!first) return undefined;
    let value: number | undefined;
    if (first.values && first.truth) {
      if (!parts.every((p) => p?.values)) return undefined;
      const mean = new Float64Array(first.values.length);
      for (const p of parts)
        for (let i = 0; i < mean.length; i++) mean[i] = (mean[i] as number) + (p?.values?.[i] as number) / parts.length;
      value = regressionMetrics(first.truth, mean)[metric];
    } else if (first.y && first.proba) {
      if (!parts.every((p) => p?.proba && p.proba.length === first.proba?.length)) return undefined;
      const mean = new Float64Array(first.proba.length);
      for (const p of parts)
        for (let i = 0; i < mean.length; i++) mean[i] = (mean[i] as number) + (p?.proba?.[i] as number) / parts.length;
      const n = first.y.length;
      const k = mean.length / Math.max(n, 1);
      value = classificationMetrics(first.y, argmaxRows(mean, n, k), mean, k)[metric];
    }
    if (value === undefined) return undefined;
    scores.push(value);
  }
  return scores;
}
