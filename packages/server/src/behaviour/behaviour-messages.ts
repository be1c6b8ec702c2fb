import type { Segmentation } from '@marquee/engine';
import type { DatasetFile } from '../datasets/dataset-views.js';
import type { EventColumns } from './behaviour-features-sql.js';

/** Per-user features from an event log, written as a dataset version. */
export interface FeatureJobSpec {
  kind: 'features';
  /** The event log, `owner/name@v`. */
  dataset: string;
  /** The dataset that gets the features (`owner/name`, created private if missing). */
  output: string;
  columns: EventColumns;
  asOf?: string;
  churnCutoff?: string;
}

/** Segments of users by k-means over their features, k by silhouette. */
export interface SegmentJobSpec {
  kind: 'segments';
  /** The features, `owner/name@v` (one row per user). */
  dataset: string;
  output: string;
  /** The user column of the features, and the features to use (default: every numeric column but the user and `churned`). */
  userColumn: string;
  features: string[];
  kRange: [number, number];
  seed: number;
  /** The smallest share of users every segment must hold for its k to be chosen (default 0.05). */
  minSegmentShare?: number;
  /** With an event log, each segment's most frequent items. */
  events?: { dataset: string; user: string; item: string };
}

export type BehaviourSpec = FeatureJobSpec | SegmentJobSpec;

type File = Pick<DatasetFile, 'path' | 'format' | 'schema' | 'ref'>;

export interface BehaviourInput {
  spec: BehaviourSpec;
  data: File;
  events?: File;
  outputFile: string;
}

export interface BehaviourResult {
  outputFile: string;
  rows: number;
  /** Segments: what was found. */
  report?: {
    k: number;
    silhouettes: Segmentation['silhouettes'];
    minShare: number;
    logScaled: string[];
    segments: Array<Segmentation['segments'][number] & { topItems?: Array<{ item: string; events: number }> }>;
  };
}
