import type { EvaluationSettings } from '../registry/model-views.js';
import type { RuleVerdict } from './merge-rule.js';
import type { ComparedVersion, ProposalWorkerResult } from './proposal-messages.js';
import type { ProposalState } from './proposal-store.js';

/** Where a candidate comes from: a version of the target, of a fork of it, or what a training job makes. */
export type ProposalSource = { version: number } | { model: string; version: number } | { job: string };

export interface ProposalInput {
  title: string;
  description?: string;
  source: ProposalSource;
  /** The alias the candidate would move (default `champion`). */
  alias?: string;
}

/** The side-by-side evaluation as stored on the proposal. */
export interface ProposalReport extends Omit<ProposalWorkerResult, 'baseline' | 'candidate' | 'evaluation'> {
  evaluatedAt: string;
  dataset: string;
  split: EvaluationSettings['split'];
  target: string;
  alias: string;
  baseline: { model: string; version: number; sizeBytes: number } | null;
  candidate: { model: string; version: number; sizeBytes: number };
  /** The alias's rule, when it is protected. */
  rule: RuleVerdict | null;
}

export interface ProposalView {
  model: string;
  number: number;
  title: string;
  description: string;
  author: string;
  source: ProposalSource;
  candidate: { model: string; version: number } | null;
  alias: string;
  state: ProposalState;
  evaluationJob: string | null;
  report: ProposalReport | null;
  error: string | null;
  merged: { by: string; at: string; version: number } | null;
  createdAt: string;
  updatedAt: string;
}

/** The stored report: what the worker measured, named by model and version (no server paths). */
export function reportOf(alias: string, out: ProposalWorkerResult, rule: RuleVerdict | null): ProposalReport {
  return {
    evaluatedAt: new Date().toISOString(),
    dataset: out.evaluation.dataset,
    split: out.evaluation.split,
    target: out.evaluation.target,
    alias,
    baseline: out.baseline && sideOf(out.baseline),
    candidate: sideOf(out.candidate),
    comparison: out.comparison,
    latencyMs: out.latencyMs,
    rule,
  };
}

function sideOf(v: ComparedVersion): { model: string; version: number; sizeBytes: number } {
  return { model: v.model, version: v.version, sizeBytes: v.sizeBytes };
}
