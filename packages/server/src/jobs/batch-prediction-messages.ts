import type { DatasetFile } from '../datasets/dataset-views.js';

export interface BatchPredictionSpec {
  /** `owner/name` of the model and the version resolved when the job was submitted. */
  model: string;
  version: number;
  /** The dataset version read, `owner/name@v`. */
  dataset: string;
  /** The dataset that gets the new version (`owner/name`). */
  output: string;
}

export interface BatchPredictionInput {
  spec: BatchPredictionSpec;
  data: Pick<DatasetFile, 'path' | 'format' | 'schema' | 'ref'>;
  /** The model version's engine artifact. */
  artifactPath: string;
  /** Where the worker writes the CSV with the prediction columns. */
  outputFile: string;
}

export interface BatchPredictionResult {
  outputFile: string;
  rows: number;
  columns: string[];
}
