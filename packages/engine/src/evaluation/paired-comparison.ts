import { Rng } from '../random/rng.js';

/**
 * McNemar's test for two classifiers judged on the same rows: only the rows where they
 * disagree about being right count. `b` = rows the first got right and the second wrong,
 * `c` = the reverse. The p-value is the exact two-sided binomial one (valid for any
 * count, where the chi-square form needs b + c ≥ 25); the continuity-corrected chi-square
 * statistic is reported beside it because that is the number most texts print.
 */
export function mcnemarTest(b: number, c: number): { b: number; c: number; statistic: number; pValue: number } {
  if (!(Number.isInteger(b) && Number.isInteger(c) && b >= 0 && c >= 0)) {
    throw new Error('McNemar counts must be non-negative integers');
  }
  const n = b + c;
  if (n === 0) return { b, c, statistic: 0, pValue: 1 };
  const statistic = (Math.abs(b - c) - 1) ** 2 / n;
  // P(X ≤ min(b, c)) for X ~ Binomial(n, ½), summed in log space so large n stays finite.
  const k = Math.min(b, c);
  const logHalfN = -n * Math.LN2;
  let logTerm = logHalfN; // C(n, 0) / 2^n
  let tail = Math.exp(logTerm);
  for (let i = 1; i <= k; i++) {
    logTerm += Math.log(n - i + 1) - Math.log(i);
    tail += Math.exp(logTerm);
  }
  return { b, c, statistic: Math.max(0, statistic), pValue: Math.min(1, 2 * tail) };
}

export interface BootstrapInterval {
  /** The statistic on all rows. */
  estimate: number;
  low: number;
  high: number;
  level: number;
  resamples: number;
}

/**
 * A percentile confidence interval for a statistic of paired rows (typically "candidate's
 * metric minus the current one's" on the same rows): the rows are resampled with
 * replacement, the same resample for both sides, so what the two models share cancels.
 * Seeded, so the same inputs give the same interval.
 */
export function pairedBootstrap(
  nRows: number,
  statistic: (rows: Int32Array) => number,
  opts: { resamples?: number; level?: number; seed?: number } = {},
): BootstrapInterval {
  const resamples = opts.resamples ?? 1000;
  const level = opts.level ?? 0.95;
  if (!(nRows > 0)) throw new Error('a bootstrap needs at least one row');
  if (!(level > 0 && level < 1)) throw new Error('level must be in (0, 1)');
  const all = Int32Array.from({ length: nRows }, (_, i) => i);
  const estimate = statistic(all);
  const rng = new Rng(opts.seed ?? 0);
  const values = new Float64Array(resamples);
  const rows = new Int32Array(nRows);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < nRows; i++) rows[i] = rng.int(nRows);
    values[r] = statistic(rows);
  }
  values.sort();
  const tail = (1 - level) / 2;
  return {
    estimate,
    low: quantile(values, tail),
    high: quantile(values, 1 - tail),
    level,
    resamples,
  };
}

/** Linear interpolation between order statistics (numpy's default). */
function quantile(sorted: Float64Array, q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (pos - lo);
}
