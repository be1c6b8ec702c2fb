import { classificationMetrics, regressionMetrics } from '../evaluation/prediction-metrics.js';
import { argmaxRows } from '../learners/row-scores.js';
import type { EvaluatedPredictions } from './holdout-training.js';

/** Most rounds of the greedy selection (so at most this many picks, repeats included). */
export const ENSEMBLE_ROUNDS = 10;

export interface EnsembleSelection {
  /** Indices into the pool, each once, and how many times it was picked (its weight). */
  members: number[];
  weights: number[];
  /** The weighted average's metric on each fold. */
  scores: number[];
}

/** Plain averages are tried over subsets of this many of the best candidates. */
export const AVERAGE_POOL = 5;

/**
 * The best way to weigh the candidates by cross-validated score, among ensemble
 * selection (below) and the plain averages of every two or three of the best five,
 * which greedy selection misses when no single addition helps but two together do.
 * `pool` is sorted best first. Thirty-odd weightings of out-of-fold predictions: no fit.
 */
export function chooseEnsemble(
  pool: EvaluatedPredictions[][],
  metric: string,
  lowerIsBetter: boolean,
): EnsembleSelection | undefined {
  const options: EnsembleSelection[] = [];
  const greedy = selectEnsemble(pool, metric, lowerIsBetter);
  if (greedy) options.push(greedy);
  const top = Math.min(AVERAGE_POOL, pool.length);
  const folds = pool[0]?.length ?? 0;
  for (const members of subsets(top)) {
    const scores = Array.from({ length: folds }, (_, f) => {
      const sum = new Float64Array(outputOf(pool[0]?.[f]).length);
      for (const c of members.slice(0, -1)) {
        const out = outputOf(pool[c]?.[f]);
        for (let i = 0; i < sum.length; i++) sum[i] = (sum[i] as number) + (out[i] as number);
      }
      return scoreOf(pool[members.at(-1) as number]?.[f] as EvaluatedPredictions, sum, members.length - 1, metric);
    });
    options.push({ members, weights: members.map(() => 1), scores });
  }
  const mean = (s: EnsembleSelection) => s.scores.reduce((a, b) => a + b, 0) / s.scores.length;
  // The first best wins ties: greedy first, then smaller and better-ranked subsets.
  return options.reduce<EnsembleSelection | undefined>(
    (best, o) => (!best || (lowerIsBetter ? mean(o) < mean(best) : mean(o) > mean(best)) ? o : best),
    undefined,
  );
}

/** Every pair and triple of 0..n-1, in increasing order. */
function subsets(n: number): number[][] {
  const out: number[][] = [];
  for (let a = 0; a < n; a++)
    for (let b = a + 1; b < n; b++) {
      out.push([a, b]);
      for (let c = b + 1; c < n; c++) out.push([a, b, c]);
    }
  return out.sort((x, y) => x.length - y.length);
}

/**
 * Ensemble selection (Caruana et al., 2004; what AutoGluon's weighted ensemble does),
 * on out-of-fold predictions so that nothing is fitted again: start from the best
 * candidate alone, then add, with replacement, whichever candidate improves the
 * weighted average's cross-validated score most; stop when none does. Picking a
 * candidate again raises its weight. `pool[c][f]` is candidate c's predictions on fold
 * f's held-out rows (probabilities, or values for regression). Undefined when fewer than
 * two candidates end up picked.
 */
export function selectEnsemble(
  pool: EvaluatedPredictions[][],
  metric: string,
  lowerIsBetter: boolean,
  rounds = ENSEMBLE_ROUNDS,
): EnsembleSelection | undefined {
  const folds = pool[0]?.length ?? 0;
  if (pool.length < 2 || folds === 0) return undefined;
  const better = (a: number, b: number) => (lowerIsBetter ? a < b : a > b);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  // Running sums of the picked candidates' predictions, per fold.
  const sums = Array.from({ length: folds }, (_, f) => new Float64Array(outputOf(pool[0]?.[f]).length));
  const counts = new Array<number>(pool.length).fill(0);
  let picked = 0;
  let current: number[] | undefined;
  for (let round = 0; round < rounds; round++) {
    let bestScores: number[] | undefined;
    let bestCandidate = -1;
    pool.forEach((candidate, c) => {
      const scores = Array.from({ length: folds }, (_, f) =>
        scoreOf(candidate[f] as EvaluatedPredictions, sums[f] as Float64Array, picked, metric),
      );
      if (!bestScores || better(mean(scores), mean(bestScores))) {
        bestScores = scores;
        bestCandidate = c;
      }
    });
    if (!bestScores || (current && !better(mean(bestScores), mean(current)))) break;
    const chosen = pool[bestCandidate] as EvaluatedPredictions[];
    for (let f = 0; f < folds; f++) {
      const out = outputOf(chosen[f]);
      const sum = sums[f] as Float64Array;
      for (let i = 0; i < sum.length; i++) sum[i] = (sum[i] as number) + (out[i] as number);
    }
    counts[bestCandidate] = (counts[bestCandidate] as number) + 1;
    picked++;
    current = bestScores;
  }
  const members = counts.flatMap((n, c) => (n > 0 ? [c] : []));
  if (members.length < 2 || !current) return undefined;
  return { members, weights: members.map((c) => counts[c] as number), scores: current };
}

function outputOf(p: EvaluatedPredictions | undefined): Float64Array {
  const out = p?.proba ?? p?.values;
  if (!out) throw new Error('ensemble selection needs probabilities (or values) on every fold');
  return out;
}

/** The metric of (sum + this candidate's predictions) / (picked + 1) on one fold. */
function scoreOf(p: EvaluatedPredictions, sum: Float64Array, picked: number, metric: string): number {
  const out = outputOf(p);
  const avg = new Float64Array(out.length);
  for (let i = 0; i < avg.length; i++) avg[i] = ((sum[i] as number) + (out[i] as number)) / (picked + 1);
  if (p.truth) return regressionMetrics(p.truth, avg)[metric] as number;
  const y = p.y as Int32Array;
  const k = avg.length / Math.max(y.length, 1);
  const value = classificationMetrics(y, argmaxRows(avg, y.length, k), avg, k)[metric];
  if (value === undefined) throw new Error(`no ${metric} for an average of probabilities`);
  return value;
}
