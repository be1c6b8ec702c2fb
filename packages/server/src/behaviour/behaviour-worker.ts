/**
 * A worker thread for behaviour jobs: per-user features from an event log (DuckDB SQL,
 * written to CSV by DuckDB itself), or segments (k-means with k by silhouette) of a
 * feature table, with each segment's top items from the event log.
 */
import fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { segment } from '@marquee/engine';
import { duckdbReader } from '../datasets/dataset-formats.js';
import { readFrame } from '../datasets/dataset-frame.js';
import { quoteIdent, withDuckDb } from '../datasets/duckdb.js';
import type { WorkerMessage } from '../jobs/training-messages.js';
import { behaviourFeaturesSql } from './behaviour-features-sql.js';
import type { BehaviourInput, BehaviourResult, FeatureJobSpec, SegmentJobSpec } from './behaviour-messages.js';

const port = parentPort;
if (!port) throw new Error('behaviour-worker runs as a worker thread');
const input = workerData as BehaviourInput;
const post = (m: WorkerMessage<BehaviourResult>) => port.postMessage(m);
const lit = (s: string) => `'${s.replaceAll("'", "''")}'`;

/** The 10 most frequent event types get a share column each. */
const EVENT_TYPES = 10;

async function features(spec: FeatureJobSpec): Promise<BehaviourResult> {
  post({ type: 'progress', progress: { stage: 'event types', percent: 5, etaSeconds: null } });
  const types = await withDuckDb(async (c) => {
    const sql = `SELECT CAST(${quoteIdent(spec.columns.event)} AS VARCHAR) AS t, count(*) AS n FROM ${duckdbReader(input.data.path, input.data.format)} GROUP BY 1 ORDER BY n DESC, t LIMIT ${EVENT_TYPES}`;
    return (await c.runAndReadAll(sql)).getRowObjectsJson().map((r) => String(r.t));
  });
  post({ type: 'progress', progress: { stage: 'features', percent: 20, etaSeconds: null } });
  const sql = behaviourFeaturesSql(input.data, {
    columns: spec.columns,
    asOf: spec.asOf,
    churnCutoff: spec.churnCutoff,
    eventTypes: types.filter((t) => t !== 'null'),
  });
  await withDuckDb((c) => c.run(`COPY (${sql}) TO ${lit(input.outputFile)} (HEADER, DELIMITER ',')`));
  const rows = (fs.readFileSync(input.outputFile, 'utf8').match(/\n/g)?.length ?? 1) - 1;
  return { outputFile: input.outputFile, rows };
}

async function segments(spec: SegmentJobSpec): Promise<BehaviourResult> {
  const frame = await readFrame(input.data, [spec.userColumn, ...spec.features]);
  const found = segment(frame, spec.features, spec.kRange, {
    seed: spec.seed,
    minShare: spec.minSegmentShare,
    onProgress: (p) =>
      post({
        type: 'progress',
        progress: { stage: 'k', percent: Math.round(80 * p.fraction), etaSeconds: null, metrics: p.metrics },
      }),
  });
  const users = frame.column(spec.userColumn);
  const userAt = (r: number): string =>
    users.kind === 'numeric'
      ? String(users.values[r])
      : users.kind === 'categorical'
        ? (users.dictionary[users.codes[r] as number] ?? '')
        : (users.values[r] ?? '');
  const csv = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
  const lines = [[spec.userColumn, ...spec.features, 'segment'].map(csv).join(',')];
  for (let r = 0; r < frame.nRows; r++) {
    const values = spec.features.map((f) => {
      const col = frame.column(f);
      return col.kind === 'numeric' ? (Number.isNaN(col.values[r] as number) ? '' : String(col.values[r])) : '';
    });
    lines.push([csv(userAt(r)), ...values, String(found.labels[r])].join(','));
  }
  fs.writeFileSync(input.outputFile, `${lines.join('\n')}\n`);
  const report: NonNullable<BehaviourResult['report']> = {
    k: found.k,
    silhouettes: found.silhouettes,
    minShare: found.minShare,
    logScaled: found.logScaled,
    segments: found.segments.map((s) => ({ ...s })),
  };
  if (spec.events && input.events) {
    post({ type: 'progress', progress: { stage: 'top items', percent: 90, etaSeconds: null } });
    const ev = spec.events;
    const rows = await withDuckDb(async (c) => {
      const sql = `
        WITH seg AS (SELECT CAST(${quoteIdent(spec.userColumn)} AS VARCHAR) AS u, segment FROM read_csv(${lit(input.outputFile)}, header = true)),
        counts AS (
          SELECT seg.segment, CAST(e.${quoteIdent(ev.item)} AS VARCHAR) AS item, count(*) AS n
          FROM ${duckdbReader((input.events as NonNullable<typeof input.events>).path, (input.events as NonNullable<typeof input.events>).format)} e
          JOIN seg ON CAST(e.${quoteIdent(ev.user)} AS VARCHAR) = seg.u
          GROUP BY 1, 2
        )
        SELECT segment, item, n FROM (SELECT *, row_number() OVER (PARTITION BY segment ORDER BY n DESC, item) AS r FROM counts) WHERE r <= 5
        ORDER BY segment, n DESC, item`;
      return (await c.runAndReadAll(sql)).getRowObjectsJson();
    });
    for (const s of report.segments) {
      s.topItems = rows
        .filter((r) => Number(r.segment) === s.segment)
        .map((r) => ({ item: String(r.item), events: Number(r.n) }));
    }
  }
  return { outputFile: input.outputFile, rows: frame.nRows, report };
}

try {
  const result = input.spec.kind === 'features' ? await features(input.spec) : await segments(input.spec);
  post({ type: 'result', result });
} catch (err) {
  post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
}
