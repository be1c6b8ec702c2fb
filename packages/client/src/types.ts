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
  visibility: 'public' | 'private';
  description: string;
  tags: string[];
  license: string;
  latestVersion: number | null;
  aliases: Record<string, number>;
  createdAt: string;
  updatedAt: string;
}

export interface NewModel {
  owner: string;
  name: string;
  task: 'classification' | 'regression' | 'clustering' | 'recommendation' | 'sentiment' | 'other';
  visibility?: 'public' | 'private';
  description?: string;
  tags?: string[];
  license?: string;
}

export interface ModelVersion {
  model: string;
  version: number;
  format: 'onnx';
  sha256: string;
  sizeBytes: number;
  signature: { inputs: TensorSpec[]; outputs: TensorSpec[] };
  createdBy: string;
  createdAt: string;
}
