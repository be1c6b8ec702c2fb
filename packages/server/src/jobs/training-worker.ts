/**
 * A worker thread running one training job: reads the dataset version into a frame,
 * trains with a held-out split (and k-fold when asked), exports the engine artifact and
 * ONNX, and posts progress and the result to the job runner. Cancelling or a time limit
 * terminates the thread; nothing it did is kept until the runner commits the result.
 */
import { parentPort, workerData } from 'node:worker_threads';
import {
  autoRecommend,
  autoSelect,
  type FitProgress,
  holdoutDiagnostics,
  holdoutRows,
  Interactions,
  searchHyperParameters,
  TEXT_CHOICES,
  trainRecommender,
  trainWithHoldout,
} from '@marquee/engine';
import { readFrame } from '../datasets/dataset-frame.js';
import { EngineRuntime } from '../serving/runtimes/engine-runtime.js';
import { RECOMMENDER_SIGNATURE } from '../serving/runtimes/recommender-runtime.js';
import {
  type CurvePoint,
  engineRequest,
  type InteractionColumns,
  type JobProgress,
  type TrainingResult,
  type TrainingWorkerInput,
  trainingColumns,
  type WorkerMessage,
} from './training-messages.js';

const port = parentPort;
if (!port) throw new Error('training-worker runs as a worker thread');
const { spec, data, trialScores, foldScores } = workerData as TrainingWorkerInput;
const post = (m: WorkerMessage<TrainingResult>, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

const started = performance.now();
const MAX_CURVE = 1000;
let lastPost = 0;
let lastStage = '';
/** Every metric the learner reported while fitting (loss per epoch, score per trial): the learning curve. */
const curve: CurvePoint[] = [];
let curveStride = 1;
let reports = 0;
const record = (stage: string, metrics: Record<string, number>) => {
  if (stage === 'done' || stage === 'evaluate') return;
  reports++;
  if (reports % curveStride !== 0) return;
  curve.push({ step: reports, stage, metrics });
  // Long fits keep an evenly thinned curve of at most MAX_CURVE points.
  if (curve.length >= MAX_CURVE) {
    for (let i = 0; i < curve.length / 2; i++) curve[i] = curve[i * 2] as CurvePoint;
    curve.length = Math.floor(curve.length / 2);
    curveStride *= 2;
  }
};
const progress = (stage: string, fraction: number, metrics?: Record<string, number>) => {
  if (metrics) record(stage, metrics);
  const now = performance.now();
  // At most five updates a second, but every change of stage, every finished search trial or auto
  // candidate, and the end.
  const milestone =
    stage !== lastStage || fraction >= 1 || metrics?.trial !== undefined || metrics?.candidate !== undefined;
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

/** Recommendation jobs: interactions from the named columns, a recommender, ranking metrics. */
async function trainRecommendation(): Promise<void> {
  const cols = spec.columns as InteractionColumns;
  const names = [
    cols.user,
    cols.item,
    ...(cols.value ? [cols.value] : []),
    ...(cols.timestamp ? [cols.timestamp] : []),
    ...(cols.context ?? []),
  ];
  const frame = await readFrame(data, [...new Set(names)]);
  progress('read', 0.05);
  const text = (name: string): string[] => {
    const c = frame.column(name);
    if (c.kind === 'numeric') return Array.from(c.values, String);
    if (c.kind === 'categorical') return Array.from(c.codes, (k) => (k < 0 ? '' : (c.dictionary[k] as string)));
    return c.values.map((v) => v ?? '');
  };
  const numbers = (name: string): Float64Array => {
    const c = frame.column(name);
    if (c.kind === 'numeric') return c.values;
    // Times written as text (ISO dates): their epoch milliseconds.
    return Float64Array.from(text(name), (v) => Date.parse(v));
  };
  const interactions = new Interactions(
    text(cols.user),
    text(cols.item),
    cols.value ? numbers(cols.value) : undefined,
    cols.timestamp ? numbers(cols.timestamp) : undefined,
    undefined,
    Object.fromEntries((cols.context ?? []).map((name) => [name, text(name)])),
  );
  const fitStarted = performance.now();
  const split = spec.leaveLastN
    ? { kind: 'leave-last' as const, n: spec.leaveLastN }
    : { kind: 'random' as const, testFraction: spec.testFraction };
  const onProgress = (p: FitProgress) => progress(p.stage, 0.05 + 0.9 * p.fraction, p.metrics);
  const automatic = spec.auto
    ? autoRecommend(
        interactions,
        { split, seed: spec.seed },
        { timeBudgetS: spec.auto.timeBudgetS, metric: spec.auto.metric, ratings: Boolean(cols.value) },
        { onProgress },
      )
    : undefined;
  const outcome =
    automatic ??
    trainRecommender(
      interactions,
      { algorithm: spec.algorithm, params: spec.params, split, seed: spec.seed },
      { onProgress },
    );
  const fitSeconds = (performance.now() - fitStarted) / 1000;
  const artifact = outcome.model.toArtifact();
  post(
    {
      type: 'result',
      result: {
        artifact,
        onnx: null,
        onnxError: 'recommenders are served by the engine',
        nativeSignature: RECOMMENDER_SIGNATURE,
        metrics: outcome.metrics,
        classes: [],
        features: [cols.user, cols.item, ...(cols.context ?? [])],
        nTrain: outcome.nTrain,
        nTest: outcome.nTest,
        fitSeconds,
        curve,
        params: outcome.params,
        ...(outcome.selection && { selection: outcome.selection }),
        ...(automatic && {
          algorithm: automatic.algorithm,
          auto: {
            metric: automatic.metric,
            folds: 0,
            timeBudgetS: automatic.timeBudgetS,
            leaderboard: automatic.leaderboard,
            best: automatic.best,
          },
        }),
      },
    },
    [artifact.buffer as ArrayBuffer],
  );
}

try {
  if (spec.task === 'recommendation') {
    progress('read', 0);
    await trainRecommendation();
  } else await trainPipeline();
} catch (err) {
  post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
}

async function trainPipeline(): Promise<void> {
  progress('read', 0);
  const frame = await readFrame(data, trainingColumns(spec, data.schema));
  // Reading is about the first 5%; training the rest.
  progress('read', 0.05);
  const fitStarted = performance.now();
  const request = engineRequest(spec);
  const onProgress = (p: FitProgress) => progress(p.stage, 0.05 + 0.9 * p.fraction, p.metrics);
  const searched = spec.search
    ? searchHyperParameters(frame, request, spec.search, { onProgress, trialScores })
    : undefined;
  const automatic = spec.auto ? autoSelect(frame, request, spec.auto, { onProgress }) : undefined;
  // Sentiment without text settings: word or character n-grams for the named learner,
  // whichever 3-fold cross-validation on the training rows prefers.
  const textChoice =
    spec.task === 'sentiment' && !spec.text && !spec.search && !spec.auto && !(spec.kFolds > 1)
      ? autoSelect(
          frame,
          request,
          { timeBudgetS: Number.POSITIVE_INFINITY },
          {
            onProgress,
            candidates: [TEXT_CHOICES.words, TEXT_CHOICES.chars].map((text) => ({
              algorithm: spec.algorithm,
              params: spec.params ?? {},
              text,
            })),
          },
        )
      : undefined;
  const outcome = searched ?? automatic ?? textChoice ?? trainWithHoldout(frame, request, { onProgress, foldScores });
  const fitSeconds = (performance.now() - fitStarted) / 1000;
  progress('diagnose', 0.95);
  // The plots of the model page, on the same held-out rows the metrics came from.
  const held = holdoutRows(frame, spec.target, request.task, spec.testFraction, spec.seed).test;
  const features = outcome.model.features.features.map((f) => f.name);
  const diagnostics = holdoutDiagnostics(outcome.model, frame.take(held), features, spec.seed);
  progress('export', 0.97);
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
        features,
        diagnostics,
        nTrain: outcome.nTrain,
        nTest: outcome.nTest,
        fitSeconds,
        curve,
        ...(textChoice && {
          textChoice: {
            chosen: textChoice.text,
            leaderboard: textChoice.leaderboard.map((e) => ({ text: e.text, cvMean: e.cvMean, seconds: e.seconds })),
          },
        }),
        ...(automatic && {
          algorithm: automatic.algorithm,
          params: automatic.params,
          auto: {
            metric: automatic.metric,
            folds: automatic.folds,
            timeBudgetS: automatic.timeBudgetS,
            leaderboard: automatic.leaderboard,
            best: automatic.best,
          },
        }),
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
}
