/**
 * A worker thread evaluating a change proposal: loads the candidate and the version the
 * target alias points at, each in a fresh runtime, runs both over the model's evaluation
 * rows, and compares them row by row (metrics with paired-bootstrap intervals, McNemar's
 * test, agreement) and by batch-1 latency.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type Frame, holdoutRows } from '@marquee/engine';
import { readFrame } from '../datasets/dataset-frame.js';
import type { WorkerMessage } from '../jobs/training-messages.js';
import { type EvaluationSpec, predictOnFrame } from '../market/model-evaluation.js';
import type { ModelRuntime } from '../serving/runtimes/model-runtime.js';
import { loadNativeRuntime } from '../serving/runtimes/native-runtime.js';
import { OnnxRuntime } from '../serving/runtimes/onnx-runtime.js';
import { compareModels } from './model-comparison.js';
import type { ComparedVersion, Latency, ProposalWorkerInput, ProposalWorkerResult } from './proposal-messages.js';

const port = parentPort;
if (!port) throw new Error('proposal-evaluation-worker runs as a worker thread');
const input = workerData as ProposalWorkerInput;
const post = (m: WorkerMessage<ProposalWorkerResult>) => port.postMessage(m);
const progress = (stage: string, percent: number) =>
  post({ type: 'progress', progress: { stage, percent, etaSeconds: null } });

const load = (v: ComparedVersion): Promise<ModelRuntime> =>
  v.format === 'onnx' ? OnnxRuntime.load(v.artifactPath) : loadNativeRuntime(v.artifactPath);

const runtimes: ModelRuntime[] = [];
try {
  progress('load', 0);
  const { evaluation, task } = input;
  const all = await readFrame(input.data);
  const frame = evaluationRows(all);
  if (frame.nRows === 0) throw new Error(`the evaluation split of ${evaluation.dataset} has no rows`);
  const spec: EvaluationSpec = {
    task,
    target: evaluation.target,
    ...(evaluation.features && { features: evaluation.features }),
  };
  const candidate = await load(input.candidate);
  runtimes.push(candidate);
  const baseline = input.baseline ? await load(input.baseline) : undefined;
  if (baseline) runtimes.push(baseline);
  progress('predict', 10);
  const c = await predictOnFrame(candidate, input.candidate.signature, frame, spec);
  const b =
    baseline && input.baseline ? await predictOnFrame(baseline, input.baseline.signature, frame, spec) : undefined;
  progress('compare', 50);
  const comparison = compareModels(task, c.truth, c.predicted, b?.predicted ?? null);
  progress('latency', 85);
  const latency = await timeBatchOfOne(frame, spec, candidate, baseline);
  post({
    type: 'result',
    result: { evaluation, baseline: input.baseline, candidate: input.candidate, comparison, latencyMs: latency },
  });
} catch (err) {
  post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
} finally {
  for (const r of runtimes) await r.dispose();
}

/** The held-out rows of the split training would make with this fraction and seed, or all rows. */
function evaluationRows(all: Frame): Frame {
  const { split, target } = input.evaluation;
  if (split === 'all') return all;
  const learner = input.task === 'regression' ? 'regression' : 'classification';
  return all.take(holdoutRows(all, target, learner, split.testFraction, split.seed).test);
}

/** Batch-1 latency of both sides, timed alternately on the same rows so machine noise hits both alike. */
async function timeBatchOfOne(
  frame: Frame,
  spec: EvaluationSpec,
  candidate: ModelRuntime,
  baseline: ModelRuntime | undefined,
): Promise<{ candidate: Latency; baseline: Latency | null }> {
  const n = Math.min(input.latencyRows, frame.nRows);
  const cTimes: number[] = [];
  const bTimes: number[] = [];
  for (let i = 0; i < n; i++) {
    const row = frame.take(Int32Array.of(i));
    let t = performance.now();
    await predictOnFrame(candidate, input.candidate.signature, row, spec);
    cTimes.push(performance.now() - t);
    if (baseline && input.baseline) {
      t = performance.now();
      await predictOnFrame(baseline, input.baseline.signature, row, spec);
      bTimes.push(performance.now() - t);
    }
  }
  return { candidate: percentiles(cTimes), baseline: baseline ? percentiles(bTimes) : null };
}

function percentiles(times: number[]): Latency {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  const round = (v: number) => Math.round(v * 1000) / 1000;
  return { p50: round(at(0.5)), p99: round(at(0.99)), samples: sorted.length };
}
