/** A model's evaluation data: a pinned dataset version, its target, and which rows. */
export interface EvaluationSettings {
  /** `owner/name@version` (the latest is pinned when the version is left out). */
  dataset: string;
  target: string;
  /** The held-out rows of a training split with this fraction and seed (default 0.2, 0), or every row. */
  split?: { testFraction: number; seed: number } | 'all';
  features?: string[];
}

/** A protected alias's rule: the candidate's metric may be worse than the current one's by at most `tolerance`. */
export interface AliasRule {
  metric: string;
  tolerance: number;
}

export type ProposalSource = { version: number } | { model: string; version: number } | { job: string };
export type ProposalState = 'waiting' | 'evaluating' | 'evaluated' | 'failed' | 'merging' | 'merged' | 'closed';

export interface MetricComparison {
  baseline: number | null;
  candidate: number;
  difference: number | null;
  interval: { low: number; high: number; level: number; resamples: number } | null;
  lowerIsBetter: boolean;
}

export interface Latency {
  p50: number;
  p99: number;
  samples: number;
}

export interface ProposalReport {
  evaluatedAt: string;
  dataset: string;
  split: { testFraction: number; seed: number } | 'all';
  target: string;
  alias: string;
  baseline: { model: string; version: number; sizeBytes: number } | null;
  candidate: { model: string; version: number; sizeBytes: number };
  comparison: {
    rows: number;
    metrics: Record<string, MetricComparison>;
    mcnemar: { baselineOnlyRight: number; candidateOnlyRight: number; statistic: number; pValue: number } | null;
    agreement: number | null;
  };
  latencyMs: { baseline: Latency | null; candidate: Latency };
  rule: (AliasRule & { alias: string; passed: boolean; reason: string }) | null;
}

export interface Proposal {
  model: string;
  number: number;
  title: string;
  description: string;
  author: string;
  source: ProposalSource;
  candidate: { model: string; version: number } | null;
  alias: string;
  state: ProposalState;
  evaluationJob: string | null;
  report: ProposalReport | null;
  error: string | null;
  merged: { by: string; at: string; version: number } | null;
  createdAt: string;
  updatedAt: string;
}
