/**
 * A worker thread for a benchmark submission: loads the version in a fresh runtime and
 * runs the platform's evaluation over the benchmark's hidden test part.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { readFrame } from '../../datasets/dataset-frame.js';
import type { WorkerMessage } from '../../jobs/training-messages.js';
import type { ModelRuntime } from '../../serving/runtimes/model-runtime.js';
import { loadNativeRuntime } from '../../serving/runtimes/native-runtime.js';
import { OnnxRuntime } from '../../serving/runtimes/onnx-runtime.js';
import { evaluateOnFrame } from '../model-evaluation.js';
import type { BenchmarkWorkerInput, BenchmarkWorkerResult } from './benchmark-messages.js';

const port = parentPort;
if (!port) throw new Error('benchmark-worker runs as a worker thread');
const input = workerData as BenchmarkWorkerInput;
const post = (m: WorkerMessage<BenchmarkWorkerResult>) => port.postMessage(m);

let runtime: ModelRuntime | undefined;
try {
  post({ type: 'progress', progress: { stage: 'load', percent: 0, etaSeconds: null } });
  runtime =
    input.format === 'onnx' ? await OnnxRuntime.load(input.artifactPath) : await loadNativeRuntime(input.artifactPath);
  post({ type: 'progress', progress: { stage: 'evaluate', percent: 20, etaSeconds: null } });
  const frame = await readFrame(input.test);
  const { metrics, rows } = await evaluateOnFrame(runtime, input.signature, frame, {
    task: input.task,
    target: input.target,
    ...(input.features && { features: input.features }),
  });
  post({ type: 'result', result: { rows, metrics } });
} catch (err) {
  post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
} finally {
  await runtime?.dispose();
}
