import type { DatasetFile } from '../datasets/dataset-views.js';

export interface BatchPredictionSpec {
  /** `owner/name` of the model and the version resolved when the job was submitted. */
  model: string;
  version: number;
  /** The dataset version read, `owner/name@v`. */
  dataset: string;
  /** The dataset that gets the new version (`owner/name`). */
  output: string;
  /** A sub-job's rows, [start, end): it writes only their lines (no header) and stores them as a part. */
  range?: { start: number; end: number };
}

export interface BatchPredictionInput {
  spec: BatchPredictionSpec;
  data: Pick<DatasetFile, 'path' | 'format' | 'schema' | 'ref'>;
  /** The model version's engine artifact. */
  artifactPath: string;
  /** Where the worker writes the CSV with the prediction columns. */
  outputFile: string;
  /** Files the sub-jobs wrote, by row range in order: the worker only puts them together. */
  parts?: string[];
  /** The parts' blobs, removed once the whole is registered. */
  partShas?: string[];
}

export interface BatchPredictionResult {
  outputFile: string;
  rows: number;
  columns: string[];
  partShas?: string[];
}
