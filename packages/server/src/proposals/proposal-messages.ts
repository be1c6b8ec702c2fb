import type { DatasetFile } from '../datasets/dataset-views.js';
import type { ArtifactFormat, EvaluationSettings, Signature } from '../registry/model-views.js';
import type { Comparison } from './model-comparison.js';

/** A proposal's evaluation as queued: `model` is the target (whose owner's quota it counts against). */
export interface ProposalEvaluationSpec {
  model: string;
  proposal: number;
}

/** One side of the comparison, as the worker loads it. */
export interface ComparedVersion {
  model: string;
  version: number;
  format: ArtifactFormat;
  artifactPath: string;
  signature: Signature;
  sizeBytes: number;
}

export interface ProposalWorkerInput {
  data: Pick<DatasetFile, 'path' | 'format' | 'schema'>;
  task: string;
  evaluation: EvaluationSettings;
  /** What the target alias points at; null when it points nowhere yet. */
  baseline: ComparedVersion | null;
  candidate: ComparedVersion;
  /** Rows timed one at a time for the latency figures. */
  latencyRows: number;
}

export interface Latency {
  p50: number;
  p99: number;
  samples: number;
}

export interface ProposalWorkerResult {
  /** What was compared, as the worker loaded it (the alias may have moved since). */
  evaluation: EvaluationSettings;
  baseline: ComparedVersion | null;
  candidate: ComparedVersion;
  comparison: Comparison;
  latencyMs: { baseline: Latency | null; candidate: Latency };
}
