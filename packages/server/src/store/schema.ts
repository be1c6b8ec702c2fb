import type { Generated } from 'kysely';

/** Table types for Kysely; one set for SQLite and PostgreSQL. Times are ISO-8601 strings. */
export interface Database {
  owners: OwnersTable;
  users: UsersTable;
  tokens: TokensTable;
  models: ModelsTable;
  model_versions: ModelVersionsTable;
  model_aliases: ModelAliasesTable;
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
  format: 'onnx';
  sha256: string;
  size_bytes: number;
  signature: string;
  created_by: number;
  created_at: string;
}

export interface ModelAliasesTable {
  model_id: number;
  alias: string;
  version: number;
  updated_at: string;
}
