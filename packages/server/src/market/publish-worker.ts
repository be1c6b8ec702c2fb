/**
 * A worker thread for the publish quality gate: loads the version in a fresh runtime,
 * answers its example, times batches of 1 and 32, and (uploaded ONNX) evaluates it on
 * the dataset its publisher named. The job's handler turns this into the report.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { readFrame } from '../datasets/dataset-frame.js';
import type { WorkerMessage } from '../jobs/training-messages.js';
import type { ModelRuntime } from '../serving/runtimes/model-runtime.js';
import { loadNativeRuntime } from '../serving/runtimes/native-runtime.js';
import { OnnxRuntime } from '../serving/runtimes/onnx-runtime.js';
import { exampleTensors } from './example-tensors.js';
import { evaluateOnFrame } from './model-evaluation.js';
import type { Latency, PublishWorkerInput, PublishWorkerResult, SmokeResult } from './publish-messages.js';

const port = parentPort;
if (!port) throw new Error('publish-worker runs as a worker thread');
const input = workerData as PublishWorkerInput;
const post = (m: WorkerMessage<PublishWorkerResult>) => port.postMessage(m);
const progress = (stage: string, percent: number) =>
  post({ type: 'progress', progress: { stage, percent, etaSeconds: null } });

/** Runs until `maxRuns` runs or `budgetMs`, whichever comes first (at least 5 runs). */
async function time(run: () => Promise<unknown>, maxRuns: number, budgetMs: number): Promise<Latency> {
  for (let i = 0; i < 3; i++) await run();
  const times: number[] = [];
  const until = performance.now() + budgetMs;
  while (times.length < maxRuns && (times.length < 5 || performance.now() < until)) {
    const t0 = performance.now();
    await run();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))] as number;
  return { p50Ms: round(at(0.5)), p99Ms: round(at(0.99)), runs: times.length };
}

const round = (x: number) => Math.round(x * 1000) / 1000;

async function smoke(runtime: ModelRuntime, loadMs: number, rssBefore: number): Promise<SmokeResult> {
  const outputs = input.signature.outputs.map((o) => o.name);
  const result: SmokeResult = {
    loadMs: round(loadMs),
    memoryBytes: 0,
    artifactBytes: input.artifactBytes,
    example: { ok: false },
    latency: { batch1: null, batch32: null },
  };
  const rows = input.example.instances?.length ?? input.example.inputs?.[0]?.shape[0] ?? 1;
  const one = exampleTensors(input.example, input.signature, rows);
  try {
    if (!one) throw new Error('the example cannot be made into tensors');
    const answer = await runtime.run(one.inputs, outputs, one.parameters);
    const missing = outputs.filter((o) => !answer.has(o));
    if (missing.length) throw new Error(`the model did not answer ${missing.join(', ')}`);
    result.example = {
      ok: true,
      outputs: [...answer.values()].map((t) => ({ name: t.name, datatype: t.datatype, shape: t.shape })),
    };
  } catch (err) {
    result.example = { ok: false, error: err instanceof Error ? err.message : String(err) };
    return result;
  }
  progress('latency', 40);
  const b1 = exampleTensors(input.example, input.signature, 1);
  if (b1) result.latency.batch1 = await time(() => runtime.run(b1.inputs, outputs, b1.parameters), 300, 1_500);
  const b32 = exampleTensors(input.example, input.signature, 32);
  if (b32) result.latency.batch32 = await time(() => runtime.run(b32.inputs, outputs, b32.parameters), 100, 1_500);
  result.memoryBytes = Math.max(0, process.memoryUsage().rss - rssBefore);
  return result;
}

try {
  progress('load', 0);
  const rssBefore = process.memoryUsage().rss;
  const t0 = performance.now();
  let runtime: ModelRuntime | undefined;
  let out: PublishWorkerResult;
  try {
    runtime =
      input.format === 'onnx'
        ? await OnnxRuntime.load(input.artifactPath)
        : await loadNativeRuntime(input.artifactPath);
    out = { smoke: await smoke(runtime, performance.now() - t0, rssBefore) };
  } catch (err) {
    out = {
      smoke: {
        loadMs: 0,
        memoryBytes: 0,
        artifactBytes: input.artifactBytes,
        example: { ok: false },
        latency: { batch1: null, batch32: null },
        error: `the model did not load: ${err instanceof Error ? err.message : String(err)}`,
      },
    };
  }
  const evaluation = input.evaluation;
  if (evaluation && runtime) {
    progress('evaluate', 70);
    try {
      const frame = await readFrame(evaluation.data);
      const r = await evaluateOnFrame(runtime, input.signature, frame, evaluation);
      out.evaluation = { dataset: evaluation.data.ref, rows: r.rows, metrics: r.metrics };
    } catch (err) {
      out.evaluation = { dataset: evaluation.data.ref, error: err instanceof Error ? err.message : String(err) };
    }
  }
  await runtime?.dispose();
  post({ type: 'result', result: out });
} catch (err) {
  post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
}
