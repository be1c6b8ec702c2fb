import type { DatasetFile } from '../../datasets/dataset-views.js';
import type { ArtifactFormat, Signature } from '../../registry/model-views.js';

/** A benchmark submission as queued. */
export interface BenchmarkSpec {
  benchmark: string;
  model: string;
  version: number;
  /** For a model with one `[N, F]` input: the columns that are its features, in order. */
  features?: string[];
}

export interface BenchmarkWorkerInput {
  format: ArtifactFormat;
  artifactPath: string;
  signature: Signature;
  /** The hidden test part: a file path on the server, never sent anywhere. */
  test: Pick<DatasetFile, 'path' | 'format' | 'schema'>;
  task: string;
  target: string;
  features?: string[];
}

export interface BenchmarkWorkerResult {
  rows: number;
  metrics: Record<string, number>;
}
