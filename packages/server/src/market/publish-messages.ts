import type { DatasetFile } from '../datasets/dataset-views.js';
import type { ArtifactFormat, ExampleRequest, Signature } from '../registry/model-views.js';

/** A publish job as queued: which version, and (uploaded ONNX) which dataset to evaluate it on. */
export interface PublishSpec {
  model: string;
  version: number;
  evaluation?: { dataset: string; target: string; features?: string[] };
}

export interface PublishWorkerInput {
  format: ArtifactFormat;
  artifactPath: string;
  artifactBytes: number;
  signature: Signature;
  example: ExampleRequest;
  evaluation?: {
    data: Pick<DatasetFile, 'path' | 'format' | 'schema' | 'ref'>;
    task: string;
    target: string;
    features?: string[];
  };
}

export interface Latency {
  p50Ms: number;
  p99Ms: number;
  runs: number;
}

/** What the smoke test in a fresh runtime measured. */
export interface SmokeResult {
  loadMs: number;
  /** Growth of the worker process's resident memory while loading and running, bytes. */
  memoryBytes: number;
  artifactBytes: number;
  example: { ok: boolean; error?: string; outputs?: Array<{ name: string; datatype: string; shape: number[] }> };
  latency: { batch1: Latency | null; batch32: Latency | null };
  error?: string;
}

export interface PublishWorkerResult {
  smoke: SmokeResult;
  evaluation?: { dataset: string; rows: number; metrics: Record<string, number> } | { dataset: string; error: string };
}
