import type { Listing, VerificationReport } from './market-types.js';
import type { AliasRule, EvaluationSettings } from './proposal-types.js';

/** Wire types of the REST API /api/v1 (see API.md). */
export type Scope = 'read' | 'write' | 'predict' | 'admin';
export type Datatype =
  | 'BOOL'
  | 'UINT8'
  | 'UINT16'
  | 'UINT32'
  | 'UINT64'
  | 'INT8'
  | 'INT16'
  | 'INT32'
  | 'INT64'
  | 'FP16'
  | 'BF16'
  | 'FP32'
  | 'FP64'
  | 'BYTES';

export interface User {
  id: number;
  username: string;
  isAdmin: boolean;
  createdAt: string;
}

export interface Token {
  id: string;
  name: string;
  kind: 'api' | 'session';
  scopes: Scope[];
  expiresAt: string | null;
  createdAt: string;
  /** When a call last used it (to within a few seconds); null when never. */
  lastUsedAt: string | null;
  /** `org:NAME` or `model:OWNER/NAME` for a limited token. */
  limitedTo: string | null;
}

export interface LoginResult {
  token: string;
  csrfToken: string;
  expiresAt: string;
  user: User;
}

export interface TensorSpec {
  name: string;
  datatype: Datatype;
  shape: number[];
}

export interface Model {
  owner: string;
  name: string;
  fullName: string;
  task: string;
  visibility: 'public' | 'internal' | 'private';
  description: string;
  tags: string[];
  license: string;
  latestVersion: number | null;
  aliases: Record<string, number>;
  createdAt: string;
  updatedAt: string;
  /** `owner/name` of the model this one was forked from. */
  forkedFrom: string | null;
  /** What change proposals are evaluated on (null until an admin sets it). */
  evaluation: EvaluationSettings | null;
  /** Aliases that move only through a merged proposal whose evaluation passes the rule. */
  protectedAliases: Record<string, AliasRule>;
}

export interface NewModel {
  owner: string;
  name: string;
  task: 'classification' | 'regression' | 'clustering' | 'recommendation' | 'sentiment' | 'other';
  visibility?: 'public' | 'internal' | 'private';
  description?: string;
  tags?: string[];
  license?: string;
}

export interface ModelVersion {
  model: string;
  version: number;
  /** `onnx`, or `native` when the engine serves it (a pipeline with no ONNX form). */
  format: 'onnx' | 'native';
  sha256: string;
  sizeBytes: number;
  signature: { inputs: TensorSpec[]; outputs: TensorSpec[] };
  source: 'upload' | 'training';
  hasNative: boolean;
  /** Trained versions: algorithm, params, held-out metrics, lineage. */
  details: {
    task: string;
    algorithm: string;
    params: Record<string, unknown>;
    target: string;
    features: string[];
    classes: string[];
    metrics: Record<string, number>;
    crossValidation?: { folds: number; metric: string; values: number[]; mean: number; std: number };
    /** Matrix factorisation: what its validation split chose (`biases`: no factor model beat them). */
    selection?: {
      validationShare: number;
      biasesRmse: number;
      factorsRmse: number | null;
      chosen: 'biases' | 'factors';
      params: Record<string, number>;
    };
    /** The learning curve: what the learner reported while fitting (loss per epoch, score per trial). */
    curve?: Array<{ step: number; stage: string; metrics: Record<string, number> }>;
    /** What the model page plots, measured on the held-out rows. */
    diagnostics?: Diagnostics;
    lineage: Record<string, unknown>;
    nTrain: number;
    nTest: number;
    fitSeconds: number;
  } | null;
  /** A request this version answers (training rows, the uploader's, or made from the signature). */
  example: {
    source: 'training-data' | 'uploader' | 'signature';
    instances?: Array<Record<string, unknown>>;
    inputs?: Array<{ name: string; datatype: string; shape: number[]; data: unknown[] }>;
    recommend?: { user: string; k: number };
  };
  /** The report of the last publish attempt, if any. */
  verification: VerificationReport | null;
  createdBy: string;
  createdAt: string;
}

export interface Dataset {
  owner: string;
  name: string;
  fullName: string;
  visibility: 'public' | 'internal' | 'private';
  description: string;
  latestVersion: number | null;
  createdAt: string;
  updatedAt: string;
  /** `owner/name` of the dataset this one was forked from. */
  forkedFrom: string | null;
}

export interface DatasetColumn {
  name: string;
  type: string;
  /** `ordinal`: categories with an order (bands such as "1 - 10%", "< 5k", "Level 3"), given in `order`. */
  kind: 'numeric' | 'categorical' | 'ordinal' | 'text' | 'datetime';
  nulls: number;
  distinct: number;
  /** Ordinal columns: their values, lowest first. */
  order?: string[];
}

/** A column's summary: a histogram and moments for numbers, the top values otherwise. */
export type ColumnSummary =
  | {
      name: string;
      kind: 'numeric';
      nulls: number;
      min: number | null;
      max: number | null;
      mean: number | null;
      std: number | null;
      quartiles: [number, number, number] | null;
      histogram: Array<{ from: number; to: number; count: number }>;
    }
  | {
      name: string;
      kind: 'categorical' | 'ordinal' | 'text' | 'datetime';
      nulls: number;
      distinct: number;
      /** The most frequent values; ordinal columns: every level, in order. */
      top: Array<{ value: string; count: number }>;
      min?: string | null;
      max?: string | null;
    };

export interface DatasetVersion {
  dataset: string;
  version: number;
  format: 'csv' | 'jsonl' | 'parquet';
  sha256: string;
  sizeBytes: number;
  rowCount: number;
  columns: DatasetColumn[];
  lineage: Record<string, unknown> | null;
  createdBy: string;
  createdAt: string;
}

export interface TrainingJobRequest {
  /** `owner/name`; created (private) when it does not exist. */
  model: string;
  /** `owner/name@version` (latest without a version). */
  dataset: string;
  /** `sentiment`: a classification of text whose predictions name the n-grams behind them. */
  task: 'classification' | 'regression' | 'sentiment' | 'recommendation';
  algorithm: string;
  /** The column to predict (recommendation: the rating column, optional). */
  target?: string;
  /** Recommendation: which columns hold the user, item, rating or weight, time (defaults user, item, rating|weight, timestamp). */
  columns?: { user?: string; item?: string; value?: string; timestamp?: string; context?: string[] };
  features?: string[];
  params?: Record<string, unknown>;
  text?: Record<string, unknown>;
  split?: { testFraction?: number; kFolds?: number; leaveLastN?: number };
  seed?: number;
  timeLimitS?: number;
  /** A hyper-parameter search: candidate values per parameter, each combination scored by k-fold CV. */
  search?: { strategy: 'grid' | 'random'; space: Record<string, unknown[]>; trials?: number; folds?: number };
  /** `algorithm: "auto"`: seconds to score candidates (default 120). */
  timeBudgetS?: number;
  /** `algorithm: "auto"`: the metric that picks the winner (accuracy, balancedAccuracy, macroF1, rocAuc, logLoss, averagePrecision, hitsTop5/10, liftTop5/10; rmse, mae, r2). */
  metric?: string;
  /** `algorithm: "auto"`: also build a weighted average of the candidates, kept when it scores better (default true). */
  ensemble?: boolean;
  /** Classification and sentiment: "balanced" (every class weighs the same in total) or a weight per class label. */
  classWeight?: 'balanced' | Record<string, number>;
  /** How to read columns, over what the dataset schema inferred. */
  kinds?: Record<
    string,
    'numeric' | 'categorical' | 'ordinal' | 'text' | 'ignore' | { kind: 'ordinal'; order: string[] }
  >;
}

/** A version's held-out diagnostics (trained versions). */
export interface Diagnostics {
  confusion?: { classes: string[]; matrix: number[][] };
  roc?: { x: number[]; y: number[]; auc: number; positive: string };
  pr?: { x: number[]; y: number[]; averagePrecision: number; positive: string };
  regression?: { actual: number[]; predicted: number[] };
  importance?: { score: 'accuracy' | 'r2'; features: Array<{ feature: string; drop: number }> };
}

/** An algorithm a training job may name, with its parameters' defaults. */
export interface Algorithm {
  name: string;
  tasks: Array<TrainingJobRequest['task']>;
  feedback?: 'explicit' | 'implicit';
  params: Array<{
    name: string;
    default: unknown;
    type: 'number' | 'integer' | 'boolean' | 'string' | 'array' | 'null';
  }>;
  /** It takes `classWeight` (and `auto`, which then scores only the learners that do). */
  classWeights?: boolean;
}

export interface JobProgress {
  stage: string;
  percent: number;
  etaSeconds: number | null;
  metrics?: Record<string, number>;
}

export type JobState = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface TrainingJob {
  id: string;
  kind: 'train' | 'search' | 'batch-predict' | 'behaviour' | 'publish' | 'benchmark' | 'proposal-evaluation';
  state: JobState;
  spec: Record<string, unknown>;
  progress: JobProgress | null;
  result: ({ model?: string; version?: number; metrics?: Record<string, number> } & Record<string, unknown>) | null;
  error: string | null;
  attempts: number;
  createdBy: number;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export type JobEvent =
  | { type: 'progress'; progress: JobProgress }
  | { type: 'state'; state: JobState; error?: string | null; result?: Record<string, unknown> };

export type Prediction =
  | { label: string; probabilities?: Record<string, number> }
  | { value: number }
  | { label: string; probability: number; evidence: Array<{ ngram: string; weight: number }> }
  | { rating: number };

export interface RecommendResult {
  model: string;
  version: number;
  user: string;
  items: Array<{ item: string; score: number }>;
  /** The user was unknown: these are the most popular items. */
  fallback: boolean;
}

export interface PredictResult {
  model: string;
  version: number;
  predictions: Prediction[];
}

/** A page of a listing: the items the caller may see, and how many there are in all. */
export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  limit: number;
}

export interface ListQuery {
  owner?: string;
  q?: string;
  visibility?: 'public' | 'internal' | 'private';
  sort?: 'updated' | 'created' | 'name';
  limit?: number;
  page?: number;
}

/** What a model's page carries besides the model: card state, listing, popularity. */
export interface ModelDetails extends Model {
  card?: { exists: boolean; generated: boolean; updatedAt: string | null };
  publishedVersion?: number | null;
  verified?: boolean;
  listing?: Listing | null;
  likes?: number;
  liked?: boolean;
  downloads?: number;
  usage?: {
    predictions: number;
    downloads: number;
    last30Days: Array<{ day: string; downloads: number; predictions: number }>;
  };
  trending?: number;
}

export interface ModelCard {
  model: string;
  markdown: string;
  metadata: Record<string, unknown> & {
    license?: string;
    language?: string[];
    tags?: string[];
    task?: string;
    datasets?: string[];
    base_model?: string;
    metrics?: Record<string, number>;
  };
  html: string;
  generated: boolean;
  updatedAt: string | null;
}

export type * from './collaboration-types.js';
export type * from './market-types.js';
