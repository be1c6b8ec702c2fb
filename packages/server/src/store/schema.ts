import type { Generated } from 'kysely';

/** Table types for Kysely; one set for SQLite and PostgreSQL. Times are ISO-8601 strings. */
export interface Database {
  owners: OwnersTable;
  users: UsersTable;
  tokens: TokensTable;
  models: ModelsTable;
  model_versions: ModelVersionsTable;
  model_aliases: ModelAliasesTable;
  datasets: DatasetsTable;
  dataset_versions: DatasetVersionsTable;
  jobs: JobsTable;
  rate_windows: RateWindowsTable;
  model_cards: ModelCardsTable;
  listings: ListingsTable;
  listing_facets: ListingFacetsTable;
  listing_metrics: ListingMetricsTable;
  model_likes: ModelLikesTable;
  model_usage_daily: ModelUsageDailyTable;
  benchmarks: BenchmarksTable;
  benchmark_results: BenchmarkResultsTable;
  market_revisions: MarketRevisionsTable;
  org_members: OrgMembersTable;
  collaborators: CollaboratorsTable;
  audit_log: AuditLogTable;
  discussions: DiscussionsTable;
  discussion_comments: DiscussionCommentsTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  owner_quotas: OwnerQuotasTable;
  alias_rules: AliasRulesTable;
  proposals: ProposalsTable;
  deployments: DeploymentsTable;
}

export interface OwnersTable {
  id: Generated<number>;
  name: string;
  kind: 'user' | 'org';
  created_at: string;
}

export interface UsersTable {
  owner_id: number;
  password_hash: string | null;
  is_admin: number;
}

export interface TokensTable {
  id: string;
  user_id: number;
  name: string;
  kind: 'api' | 'session';
  token_hash: string;
  scopes: string;
  expires_at: string | null;
  created_at: string;
  /** When a call last presented it (to within the principal cache's few seconds). */
  last_used_at: string | null;
  /** `org:NAME` or `model:OWNER/NAME` when the token is limited to one. */
  limited_to: string | null;
  limit_owner_id: number | null;
  limit_model_id: number | null;
}

export interface ModelsTable {
  id: Generated<number>;
  owner_id: number;
  name: string;
  task: string;
  visibility: 'public' | 'internal' | 'private';
  description: string;
  tags: string;
  license: string;
  created_at: string;
  updated_at: string;
  /** `owner/name` of the model this one was forked from. */
  forked_from: string | null;
  /** JSON: the dataset version, split and target proposals are evaluated on (null: none chosen). */
  evaluation: string | null;
}

export interface ModelVersionsTable {
  id: Generated<number>;
  model_id: number;
  version: number;
  /** What `sha256` is and how it is served: ONNX, or the engine's artifact. */
  format: 'onnx' | 'native';
  sha256: string;
  size_bytes: number;
  signature: string;
  created_by: number;
  created_at: string;
  /** The engine artifact of a trained version (null for uploaded ONNX). */
  native_sha256: string | null;
  /** JSON: params, metrics, lineage, target of a trained version. */
  details: string | null;
  /** JSON: an example request (`{instances}` by column, or OIP `{inputs}`). */
  example: string | null;
  /** JSON: the report of the last publish attempt of this version. */
  verification: string | null;
}

export interface ModelAliasesTable {
  model_id: number;
  alias: string;
  version: number;
  updated_at: string;
}

export interface DatasetsTable {
  id: Generated<number>;
  owner_id: number;
  name: string;
  visibility: 'public' | 'internal' | 'private';
  description: string;
  created_at: string;
  updated_at: string;
  /** `owner/name` of the dataset this one was forked from. */
  forked_from: string | null;
}

export interface DatasetVersionsTable {
  id: Generated<number>;
  dataset_id: number;
  version: number;
  format: 'csv' | 'jsonl' | 'parquet';
  sha256: string;
  size_bytes: number;
  row_count: number;
  /** JSON: the inferred columns. */
  schema: string;
  /** JSON: where the version came from when a job wrote it. */
  lineage: string | null;
  created_by: number;
  created_at: string;
}

export interface JobsTable {
  id: string;
  kind:
    | 'train'
    | 'search'
    | 'batch-predict'
    | 'behaviour'
    | 'publish'
    | 'benchmark'
    | 'proposal-evaluation'
    | 'fold-scores';
  created_by: number;
  state: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  /** JSON: the request, validated. */
  spec: string;
  /** JSON: the last progress event. */
  progress: string | null;
  /** JSON: what the job made (a model version, a dataset version). */
  result: string | null;
  error: string | null;
  attempts: number;
  max_attempts: number;
  time_limit_s: number;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  /** Which process runs the job (`host:pid:random`), while it runs. */
  lease_owner: string | null;
  /** ISO time the lease lapses unless renewed by heartbeats. */
  lease_until: string | null;
  /** A sub-job's job (a search trial's search): sub-jobs are listed and counted with it, not alone. */
  parent_id: string | null;
}

export interface ModelCardsTable {
  model_id: number;
  /** Markdown with a YAML front matter. */
  markdown: string;
  /** 1 while the card is the draft the platform wrote (regenerated for new versions). */
  generated: number;
  updated_by: number;
  updated_at: string;
}

/** A published model as the marketplace lists it (copies of the model's fields, kept fresh). */
export interface ListingsTable {
  model_id: number;
  owner_id: number;
  owner: string;
  name: string;
  task: string;
  license: string;
  /** JSON array. */
  tags: string;
  description: string;
  visibility: 'public' | 'internal' | 'private';
  version: number;
  /** JSON: the metrics the platform measured for the published version. */
  metrics: string;
  likes: Generated<number>;
  downloads: Generated<number>;
  trending: Generated<number>;
  published_by: number;
  published_at: string;
  updated_at: string;
}

/** One row per facet value of a listing (task, tag, license, owner), for facet counts. */
export interface ListingFacetsTable {
  model_id: number;
  facet: 'task' | 'tag' | 'license' | 'owner';
  value: string;
}

export interface ListingMetricsTable {
  model_id: number;
  metric: string;
  value: number;
}

export interface ModelLikesTable {
  model_id: number;
  user_id: number;
  created_at: string;
}

export interface ModelUsageDailyTable {
  model_id: number;
  /** YYYY-MM-DD (UTC). */
  day: string;
  downloads: number;
  predictions: number;
}

export interface BenchmarksTable {
  id: Generated<number>;
  name: string;
  task: string;
  description: string;
  /** `owner/name@version`. */
  dataset: string;
  target: string;
  metric: string;
  test_fraction: number;
  seed: number;
  /** JSON: the source version's columns (name, kind), which both parts share. */
  columns: string;
  /** The training part (CSV), which anyone may download. */
  train_sha256: string;
  train_rows: number;
  /** The hidden test part (CSV): read only by the benchmark's evaluation jobs. */
  test_sha256: string;
  test_rows: number;
  created_by: number;
  created_at: string;
}

export interface BenchmarkResultsTable {
  id: Generated<number>;
  benchmark_id: number;
  model_id: number;
  version: number;
  score: number;
  /** JSON: every metric measured on the hidden test part. */
  metrics: string;
  job_id: string;
  submitted_by: number;
  created_at: string;
}

export interface MarketRevisionsTable {
  /** What the counter guards (`facets`: listing_facets). */
  name: string;
  /** Bumped in the same transaction as every change to what it guards. */
  revision: number;
}

export interface OrgMembersTable {
  org_id: number;
  user_id: number;
  /** read | write | admin */
  role: string;
  created_at: string;
}

export interface CollaboratorsTable {
  /** model | dataset */
  resource: string;
  resource_id: number;
  user_id: number;
  /** read | write | admin */
  role: string;
  created_at: string;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: string;
  /** The user who called (null: anonymous). */
  actor_id: number | null;
  actor: string | null;
  token_id: string | null;
  address: string;
  method: string;
  /** The route's pattern, e.g. /api/v1/models/:owner/:name. */
  route: string;
  /** The path called, without the query. */
  path: string;
  /** The owner (user or organisation) of what the call was about, when it names one. */
  owner_id: number | null;
  /** The HTTP status answered: the result. */
  status: number;
  request_id: string;
}

export interface DiscussionsTable {
  id: Generated<number>;
  /** model | dataset */
  resource: string;
  resource_id: number;
  /** 1, 2, … per resource: what URLs name. */
  number: number;
  title: string;
  author_id: number;
  /** open | closed */
  state: string;
  locked: number;
  created_at: string;
  updated_at: string;
}

export interface DiscussionCommentsTable {
  id: Generated<number>;
  discussion_id: number;
  author_id: number;
  /** Markdown as written; rendered safe when shown. */
  body: string;
  hidden: number;
  created_at: string;
  edited_at: string | null;
}

export interface WebhooksTable {
  id: Generated<number>;
  owner_id: number;
  url: string;
  /** JSON: the event names it receives. */
  events: string;
  /** The signing secret: kept as given (the server signs with it), never answered. */
  secret: string;
  created_by: number;
  created_at: string;
}

export interface WebhookDeliveriesTable {
  id: Generated<number>;
  webhook_id: number;
  event: string;
  /** The JSON body, exactly as sent (and signed). */
  payload: string;
  /** pending | delivered | failed */
  state: string;
  attempts: number;
  next_at: string;
  last_status: number | null;
  last_error: string | null;
  created_at: string;
  delivered_at: string | null;
}

export interface OwnerQuotasTable {
  owner_id: number;
  /** Bytes of model and dataset versions the owner may hold (0: no limit; null: the default). */
  storage_bytes: number | null;
  /** Jobs queued or running at once on the owner's resources (0: no limit; null: the default). */
  concurrent_jobs: number | null;
  updated_at: string;
}

/** A protected alias: it moves only through a merged proposal whose evaluation passed this rule. */
export interface AliasRulesTable {
  model_id: number;
  alias: string;
  metric: string;
  /** How much worse than the current version the candidate may be, in the metric's units. */
  tolerance: number;
  updated_by: number;
  updated_at: string;
}

export interface ProposalsTable {
  id: Generated<number>;
  model_id: number;
  /** 1, 2, … per model: what URLs name. */
  number: number;
  title: string;
  description: string;
  author_id: number;
  /** JSON: the source as proposed ({version} | {model, version} | {job}). */
  source: string;
  /** The candidate version: null while the source's training job runs. */
  candidate_model_id: number | null;
  candidate_version: number | null;
  /** A training job the proposal waits for. */
  wait_job_id: string | null;
  target_alias: string;
  /** waiting | evaluating | evaluated | failed | merging | merged | closed */
  state: string;
  evaluation_job_id: string | null;
  /** JSON: the side-by-side evaluation report. */
  report: string | null;
  error: string | null;
  merged_by: number | null;
  merged_at: string | null;
  /** The target model's version the alias was moved to (a fork's version is imported as a new one). */
  merged_version: number | null;
  created_at: string;
  updated_at: string;
}

/** A rollout of an alias: its traffic split between versions, and a shadow. */
export interface DeploymentsTable {
  model_id: number;
  alias: string;
  /** JSON: [{version, weight}]. */
  routes: string;
  shadow_version: number | null;
  /** caller | key */
  sticky: string;
  /** The merged proposal that started it (a protected alias may be promoted only then). */
  proposal_number: number | null;
  started_by: number;
  started_at: string;
}

export interface RateWindowsTable {
  policy: string;
  key: string;
  /** Epoch milliseconds where the fixed window starts. */
  window_start: number;
  count: number;
}
