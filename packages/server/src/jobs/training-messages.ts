import type {
  AutoLeaderboardEntry,
  ClassWeight,
  ColumnKinds,
  Diagnostics,
  RecommenderLeaderboardEntry,
} from '@marquee/engine';
import type { DatasetFile } from '../datasets/dataset-views.js';
import type { Signature } from '../registry/model-views.js';

/** A training job as the worker thread gets it. */
/** `sentiment` is a classification of text whose predictions also carry the n-grams behind them. */
export type TrainingTask = 'classification' | 'regression' | 'sentiment' | 'recommendation';

/** What the learner learns for a task (recommendation has recommenders, not learners). */
export function learnerTask(task: TrainingTask): 'classification' | 'regression' {
  return task === 'regression' ? 'regression' : 'classification';
}

/** Which columns hold what in a recommendation dataset. */
export interface InteractionColumns {
  user: string;
  item: string;
  /** Explicit ratings, or implicit weights (plays, counts); absent: every interaction counts 1. */
  value?: string;
  timestamp?: string;
  /** Context of each interaction (matrix factorisation learns how each item is rated in each value). */
  context?: string[];
}

export interface TrainingSpec {
  model: string;
  dataset: string;
  task: TrainingTask;
  algorithm: string;
  target: string;
  features?: string[];
  params?: Record<string, unknown>;
  text?: Record<string, unknown>;
  seed: number;
  testFraction: number;
  kFolds: number;
  /** Classification and sentiment: how much each class counts ("balanced", or a weight per label). */
  classWeight?: ClassWeight;
  /** How to read columns: the schema's ordinal columns with their order, then what the request declared. */
  kinds?: ColumnKinds;
  timeLimitS?: number;
  /** A hyper-parameter search: candidate values per parameter, tried by k-fold CV on the training rows. */
  search?: SearchSpec;
  /** `algorithm: "auto"`: the portfolio scored within a time budget, by a metric. */
  auto?: AutoSpec;
  /** Recommendation: the interaction columns, and a per-user leave-last-n split (by timestamp) instead of a random one. */
  columns?: InteractionColumns;
  leaveLastN?: number;
}

export interface AutoSpec {
  timeBudgetS: number;
  /** The metric that picks the winner (accuracy, or RMSE for regression, unless named). */
  metric?: string;
  folds: number;
  /** A weighted average of the candidates when it scores better (the engine's default: true). */
  ensemble?: boolean;
}

export interface SearchSpec {
  strategy: 'grid' | 'random';
  space: Record<string, unknown[]>;
  /** Random search: how many combinations (default 10). */
  trials?: number;
  /** Folds per trial (default 3). */
  folds?: number;
}

export interface TrainingWorkerInput {
  spec: TrainingSpec;
  data: Pick<DatasetFile, 'path' | 'format' | 'schema' | 'ref'>;
  /** Each search combination's fold scores, computed by sub-jobs: the thread only picks and refits. */
  trialScores?: number[][];
  /** The cross-validation folds' scores, computed by sub-jobs. */
  foldScores?: number[];
}

export interface AutoSummary {
  metric: string;
  folds: number;
  timeBudgetS: number;
  /**
   * Every candidate: algorithm, params, seconds, status, and its score (tabular: CV mean
   * and std over the folds scored; recommendation: the metric on the validation split).
   */
  leaderboard: Array<AutoLeaderboardEntry | RecommenderLeaderboardEntry>;
  best: number;
}

/** A sub-job of a training job: one search combination's fold scores, or one cross-validation fold's. */
export interface FoldScoresSpec {
  parent: string;
  dataset: string;
  training: TrainingSpec;
  mode: 'search' | 'cv';
  /** The combination (search) or the fold (cv). */
  index: number;
}

/** The columns a tabular training reads: the target and the features (all others when unnamed). */
export function trainingColumns(spec: TrainingSpec, schema: DatasetFile['schema']): string[] {
  const features = (spec.features ?? schema.columns.map((c) => c.name).filter((n) => n !== spec.target)).filter(
    (n) => spec.kinds?.[n] !== 'ignore',
  );
  return [...new Set([spec.target, ...features])];
}

/** The engine's request for a tabular training job. */
export function engineRequest(spec: TrainingSpec) {
  return {
    target: spec.target,
    algorithm: spec.algorithm,
    task: learnerTask(spec.task),
    features: spec.features,
    params: spec.params,
    text: spec.text,
    seed: spec.seed,
    testFraction: spec.testFraction,
    kFolds: spec.kFolds,
    ...(spec.classWeight !== undefined && { classWeight: spec.classWeight }),
    ...(spec.kinds && { kinds: spec.kinds }),
  };
}

/** Progress as a job reports it (and SSE carries it). */
export interface JobProgress {
  stage: string;
  /** 0..100 */
  percent: number;
  /** Seconds left, estimated from the pace so far; null until there is a pace. */
  etaSeconds: number | null;
  metrics?: Record<string, number>;
}

/** One report of the learner while it fitted: what it measured at that step. */
export interface CurvePoint {
  step: number;
  stage: string;
  metrics: Record<string, number>;
}

export interface TrainingResult {
  artifact: Uint8Array;
  /** null when the pipeline has no ONNX form (character n-grams, hashing): the engine serves it then. */
  onnx: Uint8Array | null;
  onnxError?: string;
  /** The inputs and outputs of the engine-served form. */
  nativeSignature: Signature;
  metrics: Record<string, number>;
  crossValidation?: { folds: number; metric: string; values: number[]; mean: number; std: number };
  classes: string[];
  features: string[];
  nTrain: number;
  nTest: number;
  fitSeconds: number;
  /** The learning curve: metrics reported while fitting (loss per epoch, score per trial). */
  curve?: CurvePoint[];
  /** Confusion matrix, ROC/PR curves, actual-vs-predicted, permutation importance on the held-out rows. */
  diagnostics?: Diagnostics;
  /** Search jobs: the params the best trial chose (the spec's params otherwise). */
  params?: Record<string, unknown>;
  search?: SearchSummary;
  /** A recommender's choices on its validation split (matrix factorisation: biases only, or factors). */
  selection?: Readonly<Record<string, unknown>>;
  /** Sentiment without text settings: the n-grams chosen by cross-validation, and both scores. */
  textChoice?: {
    chosen: Record<string, unknown> | undefined;
    leaderboard: Array<{ text: Record<string, unknown> | undefined; cvMean: number | null; seconds: number }>;
  };
  /** `auto`: the algorithm chosen, and every candidate tried. */
  algorithm?: string;
  auto?: AutoSummary;
}

/** A hyper-parameter search as recorded: every trial and the winner. */
export interface SearchSummary {
  strategy: 'grid' | 'random';
  metric: string;
  folds: number;
  trials: Array<{ params: Record<string, unknown>; mean: number; std: number }>;
  best: number;
}

/** What any job's worker thread posts. */
export type WorkerMessage<R> =
  | { type: 'progress'; progress: JobProgress }
  | { type: 'result'; result: R }
  | { type: 'error'; message: string };
