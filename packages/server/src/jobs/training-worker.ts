/**
 * A worker thread running one training job: reads the dataset version into a frame,
 * trains with a held-out split (and k-fold when asked), exports the engine artifact and
 * ONNX, and posts progress and the result to the job runner. Cancelling or a time limit
 * terminates the thread; nothing it did is kept until the runner commits the result.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type FitProgress, searchHyperParameters, trainWithHoldout } from '@marquee/engine';
import { readFrame } from '../datasets/dataset-frame.js';
import { EngineRuntime } from '../serving/runtimes/engine-runtime.js';
import {
  type JobProgress,
  learnerTask,
  type TrainingResult,
  type TrainingWorkerInput,
  type WorkerMessage,
} from './training-messages.js';

const port = parentPort;
if (!port) throw new Error('training-worker runs as a worker thread');
const { spec, data } = workerData as TrainingWorkerInput;
const post = (m: WorkerMessage<TrainingResult>, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

const started = performance.now();
let lastPost = 0;
let lastStage = '';
const progress = (stage: string, fraction: number, metrics?: Record<string, number>) => {
  const now = performance.now();
  // At most five updates a second, but every change of stage, every finished search trial, and the end.
  const milestone = stage !== lastStage || fraction >= 1 || metrics?.trial !== undefined;
  if (!milestone && now - lastPost < 200) return;
  lastPost = now;
  lastStage = stage;
  const elapsed = (now - started) / 1000;
  const p: JobProgress = {
    stage,
    percent: Math.round(fraction * 1000) / 10,
    etaSeconds: fraction > 0.02 ? Math.round((elapsed / fraction) * (1 - fraction)) : null,
    ...(metrics && { metrics }),
  };
  post({ type: 'progress', progress: p });
};

try {
  progress('read', 0);
  const columns = [
    spec.target,
    ...(spec.features ?? data.schema.columns.map((c) => c.name).filter((n) => n !== spec.target)),
  ];
  const frame = await readFrame(data, [...new Set(columns)]);
  // Reading is about the first 5%; training the rest.
  progress('read', 0.05);
  const fitStarted = performance.now();
  const request = {
    target: spec.target,
    algorithm: spec.algorithm,
    task: learnerTask(spec.task),
    features: spec.features,
    params: spec.params,
    text: spec.text,
    seed: spec.seed,
    testFraction: spec.testFraction,
    kFolds: spec.kFolds,
  };
  const onProgress = (p: FitProgress) => progress(p.stage, 0.05 + 0.9 * p.fraction, p.metrics);
  const searched = spec.search ? searchHyperParameters(frame, request, spec.search, { onProgress }) : undefined;
  const outcome = searched ?? trainWithHoldout(frame, request, { onProgress });
  const fitSeconds = (performance.now() - fitStarted) / 1000;
  progress('export', 0.96);
  const artifact = outcome.model.toArtifact();
  let onnx: Uint8Array | null = null;
  let onnxError: string | undefined;
  try {
    onnx = outcome.model.toOnnx();
  } catch (err) {
    onnxError = err instanceof Error ? err.message : String(err);
  }
  post(
    {
      type: 'result',
      result: {
        artifact,
        onnx,
        onnxError,
        nativeSignature: EngineRuntime.signatureOf(outcome.model),
        metrics: outcome.metrics,
        crossValidation: outcome.crossValidation,
        classes: outcome.model.target.classes,
        features: outcome.model.features.features.map((f) => f.name),
        nTrain: outcome.nTrain,
        nTest: outcome.nTest,
        fitSeconds,
        ...(searched && {
          params: searched.params,
          search: {
            strategy: searched.strategy,
            metric: searched.metric,
            folds: searched.folds,
            trials: searched.trials,
            best: searched.best,
          },
        }),
      },
    },
    [artifact.buffer as ArrayBuffer, ...(onnx ? [onnx.buffer as ArrayBuffer] : [])],
  );
} catch (err) {
  post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
}
