import type { TensorSpec } from '@marquee/engine';

export const TASKS = ['classification', 'regression', 'clustering', 'recommendation', 'sentiment', 'other'] as const;
export type Task = (typeof TASKS)[number];
export type Visibility = 'public' | 'private';

export interface Signature {
  inputs: TensorSpec[];
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
  aliases: Record<string, number>;
  createdAt: string;
  updatedAt: string;
}

export interface VersionView {
  model: string;
  version: number;
  format: 'onnx';
  sha256: string;
  sizeBytes: number;
  signature: Signature;
  createdBy: string;
  createdAt: string;
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
}
