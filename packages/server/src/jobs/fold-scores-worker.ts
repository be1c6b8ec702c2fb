/**
 * A worker thread running one sub-job of a training job: the fold scores of one search
 * combination, or one cross-validation fold's score, computed as the engine does inside
 * a whole training, so that work spread over workers adds up to the same result.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { crossValidationFoldScore, searchTrialScores } from '@marquee/engine';
import { readFrame } from '../datasets/dataset-frame.js';
import type { DatasetFile } from '../datasets/dataset-views.js';
import { engineRequest, type FoldScoresSpec, trainingColumns, type WorkerMessage } from './training-messages.js';

export interface FoldScoresWorkerInput {
  spec: FoldScoresSpec;
  data: Pick<DatasetFile, 'path' | 'format' | 'schema' | 'ref'>;
}

const port = parentPort;
if (!port) throw new Error('fold-scores-worker runs as a worker thread');
const { spec, data } = workerData as FoldScoresWorkerInput;
const post = (m: WorkerMessage<{ scores: number[] }>) => port.postMessage(m);

try {
  const frame = await readFrame(data, trainingColumns(spec.training, data.schema));
  const request = engineRequest(spec.training);
  const search = spec.training.search;
  let scores: number[];
  if (spec.mode === 'search') {
    if (!search) throw new Error('a search sub-job of a training without a search');
    const folds = search.folds ?? 3;
    post({ type: 'progress', progress: { stage: 'trial', percent: 5, etaSeconds: null } });
    scores = searchTrialScores(frame, request, search, spec.index, {
      onFold: (done) =>
        post({
          type: 'progress',
          progress: { stage: 'trial', percent: Math.round((100 * done) / folds), etaSeconds: null },
        }),
    });
  } else scores = [crossValidationFoldScore(frame, request, spec.index)];
  post({ type: 'result', result: { scores } });
} catch (err) {
  post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
}
