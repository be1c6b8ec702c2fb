import { type BootstrapInterval, mcnemarTest, pairedBootstrap } from '@marquee/engine';
import { lowerIsBetter } from '../market/metric-names.js';
import { metricsOf } from '../market/model-evaluation.js';

/** One metric on both sides, with the candidate's difference and its confidence interval. */
export interface MetricComparison {
  baseline: number | null;
  candidate: number;
  /** candidate − baseline; null without a baseline. */
  difference: number | null;
  /** Paired bootstrap interval of the difference. */
  interval: Pick<BootstrapInterval, 'low' | 'high' | 'level' | 'resamples'> | null;
  lowerIsBetter: boolean;
}

export interface Comparison {
  rows: number;
  metrics: Record<string, MetricComparison>;
  /** Classification: McNemar's test on the rows exactly one side got right. */
  mcnemar: { baselineOnlyRight: number; candidateOnlyRight: number; statistic: number; pValue: number } | null;
  /** Share of rows both sides answer the same (regression: within 1e-6 relative). */
  agreement: number | null;
}

/** Bootstrap work is bounded: at most this many row draws over all resamples. */
const MAX_DRAWS = 20_000_000;

/**
 * Compares a candidate's answers with the current version's on the same rows: each
 * metric on both sides, the difference with a paired-bootstrap interval (the same
 * resampled rows for both, so what the rows share cancels), McNemar's test for
 * classification accuracy, and how often the two answer the same. Without a baseline
 * (the alias points nowhere yet) only the candidate's metrics are given.
 */
export function compareModels(
  task: string,
  truth: string[],
  candidate: string[],
  baseline: string[] | null,
  seed = 0,
): Comparison {
  const n = truth.length;
  if (n === 0) throw new Error('the evaluation split has no rows');
  const candidateAll = metricsOf(task, truth, candidate);
  if (!baseline) {
    const metrics = Object.fromEntries(
      Object.entries(candidateAll).map(([name, value]) => [
        name,
        { baseline: null, candidate: value, difference: null, interval: null, lowerIsBetter: lowerIsBetter(name) },
      ]),
    );
    return { rows: n, metrics, mcnemar: null, agreement: null };
  }
  const baselineAll = metricsOf(task, truth, baseline);
  const resamples = Math.max(200, Math.min(1000, Math.floor(MAX_DRAWS / n / Object.keys(candidateAll).length)));
  const metrics: Record<string, MetricComparison> = {};
  for (const name of Object.keys(candidateAll)) {
    const ci = pairedBootstrap(
      n,
      (rows) =>
        (metricsOf(task, truth, candidate, rows)[name] ?? NaN) - (metricsOf(task, truth, baseline, rows)[name] ?? NaN),
      { resamples, seed },
    );
    metrics[name] = {
      baseline: baselineAll[name] as number,
      candidate: candidateAll[name] as number,
      difference: ci.estimate,
      interval: { low: ci.low, high: ci.high, level: ci.level, resamples: ci.resamples },
      lowerIsBetter: lowerIsBetter(name),
    };
  }
  let same = 0;
  let baselineOnly = 0;
  let candidateOnly = 0;
  for (let i = 0; i < n; i++) {
    const b = baseline[i] as string;
    const c = candidate[i] as string;
    if (task === 'regression') {
      const x = Number(b);
      const y = Number(c);
      if (Math.abs(x - y) <= 1e-6 * Math.max(1, Math.abs(x), Math.abs(y))) same++;
      continue;
    }
    if (b === c) same++;
    const t = truth[i];
    if (b === t && c !== t) baselineOnly++;
    else if (c === t && b !== t) candidateOnly++;
  }
  const test = task === 'regression' ? null : mcnemarTest(baselineOnly, candidateOnly);
  return {
    rows: n,
    metrics,
    mcnemar: test && {
      baselineOnlyRight: test.b,
      candidateOnlyRight: test.c,
      statistic: test.statistic,
      pValue: test.pValue,
    },
    agreement: same / n,
  };
}
