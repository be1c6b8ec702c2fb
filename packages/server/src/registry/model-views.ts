import type { Diagnostics, TensorDatatype, TensorSpec } from '@marquee/engine';
import type { Visibility } from '../auth/resource-access.js';
import type { Role } from '../auth/roles.js';

export type { Visibility } from '../auth/resource-access.js';

export const TASKS = ['classification', 'regression', 'clustering', 'recommendation', 'sentiment', 'other'] as const;
export type Task = (typeof TASKS)[number];
export interface Signature {
  /** `alsoAccepts`: other datatypes a runtime converts itself (a recommender takes INT64 user ids too). */
  inputs: Array<TensorSpec & { alsoAccepts?: TensorDatatype[] }>;
  outputs: TensorSpec[];
}

export interface ModelView {
  owner: string;
  name: string;
  fullName: string;
  task: string;
  visibility: Visibility;
  description: string;
  tags: string[];
  license: string;
  latestVersion: number | null;
  /** `owner/name` of the model this one was forked from, if it is a fork. */
  forkedFrom: string | null;
  aliases: Record<string, number>;
  /** What change proposals are evaluated on; null until an admin sets it. */
  evaluation: EvaluationSettings | null;
  /** Aliases that move only through a merged proposal whose evaluation passes the rule. */
  protectedAliases: Record<string, AliasRule>;
  createdAt: string;
  updatedAt: string;
}

/** A model's evaluation data: a pinned dataset version, its target, and which rows. */
export interface EvaluationSettings {
  /** `owner/name@version`. */
  dataset: string;
  target: string;
  /** The held-out rows of a training split with this fraction and seed, or every row. */
  split: { testFraction: number; seed: number } | 'all';
  /** For models with one `[N, F]` input: the feature columns, in order. */
  features?: string[];
}

/** A protected alias's rule: the candidate's metric may be worse than the current one's by at most `tolerance`. */
export interface AliasRule {
  metric: string;
  tolerance: number;
}

/** How a version is served: an ONNX model, or the engine's own artifact (no ONNX form). */
export type ArtifactFormat = 'onnx' | 'native';

export interface VersionView {
  model: string;
  version: number;
  format: ArtifactFormat;
  sha256: string;
  sizeBytes: number;
  signature: Signature;
  /** `upload` (an ONNX file) or `training` (a job trained it). */
  source: 'upload' | 'training';
  /** Trained versions: the engine artifact is also there (`artifact?format=native`). */
  hasNative: boolean;
  /** Trained versions: what the job measured and used. */
  details: TrainingDetails | null;
  /** A request this version answers: used by the publish smoke test, the snippets and "try it". */
  example: ExampleRequest;
  /** The report of the last publish attempt of this version, if any. */
  verification: Record<string, unknown> | null;
  createdBy: string;
  createdAt: string;
}

/**
 * An example request: records by column for `/predict` (trained versions), an OIP request
 * (`inputs`) for uploaded ONNX, or a user for `/recommend`. `source` says where it came
 * from: training rows, the uploader, or made up from the signature.
 */
export interface ExampleRequest {
  source: 'training-data' | 'uploader' | 'signature';
  instances?: Array<Record<string, unknown>>;
  inputs?: Array<{ name: string; datatype: string; shape: number[]; data: unknown[] }>;
  recommend?: { user: string; k: number };
}

/** What a training job records with the version it made. */
export interface TrainingDetails {
  task: string;
  algorithm: string;
  params: Record<string, unknown>;
  target: string;
  features: string[];
  /** Class names in the order of the `probabilities` output. */
  classes: string[];
  /** Held-out metrics. */
  metrics: Record<string, number>;
  crossValidation?: { folds: number; metric: string; values: number[]; mean: number; std: number };
  /** The learning curve: what the learner reported while fitting (loss per epoch, score per trial). */
  curve?: Array<{ step: number; stage: string; metrics: Record<string, number> }>;
  /** Confusion matrix, ROC/PR curves, actual-vs-predicted pairs, permutation importance (held-out rows). */
  diagnostics?: Diagnostics;
  /** What a recommender chose on its validation split (matrix factorisation: biases only, or factors, and why). */
  selection?: Readonly<Record<string, unknown>>;
  /** How much each class counted in the loss, as the request asked ("balanced" or a weight per label). */
  classWeight?: 'balanced' | Readonly<Record<string, number>>;
  /** Sentiment trained without text settings: word or character n-grams, as 3-fold CV chose. */
  textChoice?: {
    chosen: Record<string, unknown> | undefined;
    leaderboard: Array<{ text: Record<string, unknown> | undefined; cvMean: number | null; seconds: number }>;
  };
  /** `algorithm: "auto"`: every candidate tried (its leaderboard) and the one chosen (`algorithm` names it). */
  auto?: {
    metric: string;
    folds: number;
    timeBudgetS: number;
    leaderboard: Array<{
      algorithm: string;
      params: Record<string, unknown>;
      /** Tabular: the cross-validated mean and std over the folds scored. */
      cvMean?: number | null;
      cvStd?: number | null;
      foldsScored?: number;
      /** Recommendation: the metric on the validation split. */
      score?: number | null;
      seconds: number;
      status: string;
      error?: string;
    }>;
    best: number;
  };
  /** Search jobs: every trial and the winner. */
  search?: {
    strategy: 'grid' | 'random';
    metric: string;
    folds: number;
    trials: Array<{ params: Record<string, unknown>; mean: number; std: number }>;
    best: number;
  };
  lineage: {
    dataset: string;
    datasetSha256: string;
    seed: number;
    testFraction: number;
    engineVersion: string;
    job: string;
  };
  nTrain: number;
  nTest: number;
  fitSeconds: number;
}

/** What serving needs to run a version, resolved once and cached. */
export interface ResolvedVersion {
  modelId: number;
  fullName: string;
  versionId: number;
  version: number;
  sha256: string;
  sizeBytes: number;
  signature: Signature;
  format: ArtifactFormat;
  /** Trained versions: the engine artifact's blob. */
  nativeSha256: string | null;
  /** Trained versions: class names, target and features, for the records-by-column predict path. */
  details: TrainingDetails | null;
}

/** A model as cached for the predict path: everything needed to authorise and resolve. */
export interface ModelEntry {
  id: number;
  ownerId: number;
  fullName: string;
  visibility: Visibility;
  versions: Map<number, ResolvedVersion>;
  aliases: Map<string, number>;
  latest: number | null;
  versionList: number[];
  /** Users given a role on this model (user id → role). */
  collaborators: ReadonlyMap<number, Role>;
  /** Aliases whose traffic is split between versions (a canary), by alias. */
  splits: ReadonlyMap<string, TrafficSplit>;
}

/**
 * How an alias's traffic is served while a rollout runs: each request goes to one of
 * the routes by weight, the same caller (or request key) always to the same route; a
 * shadow version gets a copy of each request, its answer compared and never returned.
 */
export interface TrafficSplit {
  alias: string;
  routes: Array<{ version: number; weight: number }>;
  shadow: number | null;
  sticky: 'caller' | 'key';
}
