/** The marketplace's shapes: listings, search, snippets, verification reports, benchmarks. */
import type { Page } from './types.js';

/** A published model in the marketplace: only versions that passed the quality gate. */
export interface Listing {
  model: string;
  owner: string;
  name: string;
  task: string;
  license: string;
  tags: string[];
  description: string;
  visibility: 'public' | 'internal' | 'private';
  publishedVersion: number;
  verified: true;
  metrics: Record<string, number>;
  likes: number;
  downloads: number;
  trending: number;
  publishedAt: string;
  updatedAt: string;
}

export interface SearchQuery {
  q?: string;
  task?: string;
  tag?: string;
  license?: string;
  owner?: string;
  sort?: 'relevance' | 'trending' | 'likes' | 'downloads' | 'updated' | `metric:${string}`;
  page?: number;
  limit?: number;
}

export interface SearchResult extends Page<Listing> {
  facets: Record<'task' | 'tag' | 'license' | 'owner', Array<{ value: string; count: number }>>;
}

export interface Snippets {
  model: string;
  version: number;
  request: {
    inputs: Array<{ name: string; datatype: string; shape: number[]; data: unknown[] }>;
    parameters?: Record<string, number>;
  };
  curl: string;
  typescript: string;
  python: string;
  cli: string;
}

/** The quality gate's report, stored on the version and in the publish job's result. */
export interface VerificationReport {
  model: string;
  version: number;
  passed: boolean;
  checks: Array<{ name: string; passed: boolean; detail: string }>;
  metrics: Record<string, number>;
  metricsSource: string | null;
  claimed: Record<string, number>;
  smoke: {
    loadMs: number;
    memoryBytes: number;
    artifactBytes: number;
    example: { ok: boolean; error?: string };
    latency: {
      batch1: { p50Ms: number; p99Ms: number; runs: number } | null;
      batch32: { p50Ms: number; p99Ms: number; runs: number } | null;
    };
    error?: string;
  } | null;
  checkedAt: string;
}

export type BenchmarkTask = 'classification' | 'sentiment' | 'regression';

export interface NewBenchmark {
  name: string;
  task: BenchmarkTask;
  description?: string;
  /** A private dataset version, `owner/name@version`. */
  dataset: string;
  target: string;
  /** `accuracy` or `macroF1` (classification, sentiment); `rmse`, `mae` or `r2` (regression). */
  metric: string;
  /** Default 0.2. */
  testFraction?: number;
  /** Default 0. */
  seed?: number;
}

export interface Benchmark {
  name: string;
  task: BenchmarkTask;
  description: string;
  metric: string;
  higherIsBetter: boolean;
  target: string;
  columns: Array<{ name: string; kind: string }>;
  testFraction: number;
  seed: number;
  trainRows: number;
  testRows: number;
  /** The source dataset version (administrators only). */
  dataset?: string;
  createdAt: string;
}

export interface LeaderboardEntry {
  rank: number;
  model: string;
  version: number;
  score: number;
  metrics: Record<string, number>;
  verified: true;
  evaluatedAt: string;
  submittedBy: string;
  job: string;
}

export interface Leaderboard {
  task: BenchmarkTask;
  benchmarks: Array<{ benchmark: Benchmark; entries: LeaderboardEntry[] }>;
}
