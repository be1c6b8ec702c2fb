/**
 * A worker thread for a batch-prediction job: reads the dataset version, runs the model's
 * engine pipeline over it in chunks, and writes the rows with the prediction columns
 * (`prediction`, and `probability_<class>` for classifiers) to a CSV file, which the
 * runner then registers as a new dataset version. In a cluster, sub-jobs each predict a
 * range of rows, and the job's own thread only puts their parts together.
 */
import fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { type Frame, ModelPipeline } from '@marquee/engine';
import { readFrame } from '../datasets/dataset-frame.js';
import { csvCell, csvField } from '../datasets/frame-csv.js';
import type { BatchPredictionInput, BatchPredictionResult } from './batch-prediction-messages.js';
import type { WorkerMessage } from './training-messages.js';

const CHUNK = 5_000;
const port = parentPort;
if (!port) throw new Error('batch-prediction-worker runs as a worker thread');
const input = workerData as BatchPredictionInput;
const post = (m: WorkerMessage<BatchPredictionResult>) => port.postMessage(m);

try {
  const started = performance.now();
  post({ type: 'progress', progress: { stage: 'read', percent: 0, etaSeconds: null } });
  const names = input.data.schema.columns.map((c) => c.name);
  const model = ModelPipeline.fromArtifact(new Uint8Array(fs.readFileSync(input.artifactPath)));
  const classes = model.target.task === 'classification' ? model.target.classes : [];
  const extra = ['prediction', ...classes.map((c) => `probability_${c}`)];
  const taken = new Set(names);
  for (const name of extra) if (taken.has(name)) throw new Error(`the dataset already has a column "${name}"`);
  let rowsWritten = input.data.schema.rowCount;
  const out = fs.openSync(input.outputFile, 'w');
  try {
    // A part (a sub-job's range) has no header: the parts are put together under one.
    if (!input.spec.range) fs.writeSync(out, `${[...names, ...extra].map(csvField).join(',')}\n`);
    if (input.parts) for (const part of input.parts) fs.writeSync(out, fs.readFileSync(part));
    else rowsWritten = await predictRows(out, classes, model, started);
  } finally {
    fs.closeSync(out);
  }
  post({
    type: 'result',
    result: {
      outputFile: input.outputFile,
      rows: rowsWritten,
      columns: [...names, ...extra],
      ...(input.partShas && { partShas: input.partShas }),
    },
  });
} catch (err) {
  post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
}

/** Writes the lines of the rows in range (all rows of a whole job) with their predictions; answers how many. */
async function predictRows(out: number, classes: string[], model: ModelPipeline, started: number): Promise<number> {
  // A part reads only its rows.
  const frame: Frame = await readFrame(input.data, undefined, input.spec.range);
  const columns = frame.names.map((n) => frame.column(n));
  const total = frame.nRows;
  for (let start = 0; start < total; start += CHUNK) {
    const rows = Int32Array.from({ length: Math.min(CHUNK, total - start) }, (_, i) => start + i);
    const part = frame.take(rows);
    const predicted = model.predict(part);
    const proba = classes.length > 0 ? safeProba(model, part) : undefined;
    const lines: string[] = [];
    for (let i = 0; i < rows.length; i++) {
      const r = start + i;
      const values = columns.map((c) => csvCell(c, r));
      values.push(typeof predicted[i] === 'string' ? csvField(predicted[i] as string) : String(predicted[i]));
      for (let k = 0; k < classes.length; k++) values.push(proba ? String(proba[i * classes.length + k]) : '');
      lines.push(values.join(','));
    }
    fs.writeSync(out, `${lines.join('\n')}\n`);
    const done = start + rows.length;
    const elapsed = (performance.now() - started) / 1000;
    post({
      type: 'progress',
      progress: {
        stage: 'predict',
        percent: Math.round((done / total) * 1000) / 10,
        etaSeconds: Math.round((elapsed / (done / total)) * (1 - done / total)),
        metrics: { rows: done },
      },
    });
  }
  return total;
}

function safeProba(model: ModelPipeline, part: Frame): Float64Array | undefined {
  try {
    return model.predictProba(part);
  } catch {
    return undefined; // a classifier without probabilities: the columns stay empty
  }
}
