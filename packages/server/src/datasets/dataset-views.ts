import type { DatasetFormat } from './dataset-formats.js';
import type { DatasetSchema } from './schema-inference.js';

export interface DatasetView {
  owner: string;
  name: string;
  fullName: string;
  visibility: 'public' | 'internal' | 'private';
  description: string;
  latestVersion: number | null;
  createdAt: string;
  updatedAt: string;
  /** `owner/name` of the dataset this one was forked from, if it is a fork. */
  forkedFrom: string | null;
}

export interface DatasetVersionView {
  dataset: string;
  version: number;
  format: DatasetFormat;
  sha256: string;
  sizeBytes: number;
  rowCount: number;
  columns: DatasetSchema['columns'];
  /** Set when a job wrote this version (batch predictions): what it came from. */
  lineage: Record<string, unknown> | null;
  createdBy: string;
  createdAt: string;
}

/** A dataset version as a job reads it: the file, its format and columns. */
export interface DatasetFile {
  ref: string;
  datasetId: number;
  version: number;
  path: string;
  format: DatasetFormat;
  sha256: string;
  schema: DatasetSchema;
}
