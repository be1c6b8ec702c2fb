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
}

export interface ModelsTable {
  id: Generated<number>;
  owner_id: number;
  name: string;
  task: string;
  visibility: 'public' | 'private';
  description: string;
  tags: string;
  license: string;
  created_at: string;
  updated_at: string;
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
  visibility: 'public' | 'private';
  description: string;
  created_at: string;
  updated_at: string;
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
  kind: 'train' | 'search' | 'batch-predict' | 'behaviour';
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
}
