import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stratifiedSplit } from '@marquee/engine';
import type { AuthService } from '../../auth/auth-service.js';
import type { Principal } from '../../auth/scopes.js';
import { readFrame } from '../../datasets/dataset-frame.js';
import type { DatasetService } from '../../datasets/dataset-service.js';
import type { DatasetFile } from '../../datasets/dataset-views.js';
import { writeFrameCsv } from '../../datasets/frame-csv.js';
import type { ColumnSchema } from '../../datasets/schema-inference.js';
import { Conflict, Forbidden, Invalid, NotFound } from '../../errors.js';
import type { JobView } from '../../jobs/job-service.js';
import type { RegistryService } from '../../registry/registry-service.js';
import type { BlobStore } from '../../store/blobs/blob-store.js';
import { lowerIsBetter } from '../metric-names.js';
import { columnText } from '../model-evaluation.js';
import type { BenchmarkSpec, BenchmarkWorkerInput, BenchmarkWorkerResult } from './benchmark-messages.js';
import type { BenchmarkResultRow, BenchmarkRow, BenchmarkStore } from './benchmark-store.js';

/** The tasks a benchmark can rank, and the metrics each may rank by (the platform's evaluation measures them all). */
export const BENCHMARK_METRICS = {
  classification: ['accuracy', 'macroF1'],
  sentiment: ['accuracy', 'macroF1'],
  regression: ['rmse', 'mae', 'r2'],
} as const;
export type BenchmarkTask = keyof typeof BENCHMARK_METRICS;
export const BENCHMARK_TASKS = Object.keys(BENCHMARK_METRICS) as BenchmarkTask[];

export interface RegisterBenchmark {
  name: string;
  task: string;
  description?: string;
  /** `owner/name@version` of a private dataset version. */
  dataset: string;
  target: string;
  metric: string;
  testFraction?: number;
  seed?: number;
}

export interface BenchmarkView {
  name: string;
  task: string;
  description: string;
  metric: string;
  higherIsBetter: boolean;
  target: string;
  columns: Array<{ name: string; kind: string }>;
  testFraction: number;
  seed: number;
  trainRows: number;
  testRows: number;
  /** The source dataset version: shown to administrators only. */
  dataset?: string;
  createdAt: string;
}

export interface LeaderboardEntry {
  rank: number;
  model: string;
  version: number;
  score: number;
  metrics: Record<string, number>;
  /** Always true: every score is the platform's own evaluation on the hidden test part. */
  verified: true;
  evaluatedAt: string;
  submittedBy: string;
  job: string;
}

export interface Leaderboard {
  task: string;
  benchmarks: Array<{ benchmark: BenchmarkView; entries: LeaderboardEntry[] }>;
}

/** Queues a job of a kind (the job service's submit). */
export type SubmitBenchmarkJob = (caller: Principal, kind: 'benchmark', spec: BenchmarkSpec) => Promise<JobView>;

const MIN_ROWS = 20;
const MIN_TEST_ROWS = 10;

/**
 * Benchmarks: a dataset version split once, at registration, into a training part that
 * anyone may download and a test part that never leaves the server. A submitted version
 * that passed the quality gate is evaluated on the test part by the platform; the
 * leaderboard ranks those evaluations and nothing else, so nobody can tune to it.
 */
export class BenchmarkService {
  constructor(
    private readonly store: BenchmarkStore,
    private readonly blobs: BlobStore,
    private readonly datasets: DatasetService,
    private readonly registry: RegistryService,
    private readonly auth: AuthService,
    private readonly submitJob: SubmitBenchmarkJob,
  ) {}

  async register(caller: Principal, req: RegisterBenchmark): Promise<BenchmarkView> {
    if (!caller.isAdmin) throw new Forbidden('only an administrator registers benchmarks');
    const task = benchmarkTask(req.task);
    const metrics: readonly string[] = BENCHMARK_METRICS[task];
    if (!metrics.includes(req.metric)) {
      throw new Invalid(`a ${task} benchmark ranks by ${metrics.join(' or ')}, not "${req.metric}"`);
    }
    if (await this.store.byName(req.name)) throw new Conflict(`benchmark ${req.name} exists`);
    const testFraction = req.testFraction ?? 0.2;
    const seed = req.seed ?? 0;

    const file = await this.datasets.resolve(caller, req.dataset);
    const [owner, name] = (file.ref.split('@')[0] as string).split('/') as [string, string];
    const dataset = await this.datasets.getDataset(caller, owner, name);
    if (dataset.visibility !== 'private') {
      throw new Invalid(
        `dataset ${owner}/${name} is public, so its test rows could be downloaded: register a benchmark on a private dataset version`,
      );
    }
    const target = file.schema.columns.find((c) => c.name === req.target);
    if (!target) {
      throw new Invalid(`the dataset has no column "${req.target}"`, {
        columns: file.schema.columns.map((c) => c.name),
      });
    }
    if (task === 'regression' && target.kind !== 'numeric') {
      throw new Invalid(`a regression benchmark needs a numeric target; "${req.target}" is ${target.kind}`);
    }
    if (file.schema.rowCount < MIN_ROWS) {
      throw new Invalid(`a benchmark needs at least ${MIN_ROWS} rows; ${file.ref} has ${file.schema.rowCount}`);
    }

    const parts = await splitIntoParts(file, task, req.target, testFraction, seed, (p) => this.putBlob(p));
    const row = await this.store.insert({
      name: req.name,
      task,
      description: req.description ?? '',
      dataset: file.ref,
      target: req.target,
      metric: req.metric,
      test_fraction: testFraction,
      seed,
      columns: JSON.stringify(file.schema.columns),
      train_sha256: parts.train.sha256,
      train_rows: parts.train.rows,
      test_sha256: parts.test.sha256,
      test_rows: parts.test.rows,
      created_by: caller.userId,
    });
    if (!row) {
      await this.dropUnreferenced(parts.train.sha256, parts.test.sha256);
      throw new Conflict(`benchmark ${req.name} exists`);
    }
    return toView(row, caller);
  }

  async list(caller: Principal | undefined, task?: string): Promise<BenchmarkView[]> {
    if (task !== undefined) benchmarkTask(task);
    return (await this.store.list(task)).map((r) => toView(r, caller));
  }

  async get(caller: Principal | undefined, name: string): Promise<BenchmarkView> {
    return toView(await this.row(name), caller);
  }

  /** The training part's file, which anyone may download. */
  async trainPart(name: string): Promise<{ path: string; filename: string; rows: number }> {
    const row = await this.row(name);
    return {
      path: await this.blobs.localPath(row.train_sha256),
      filename: `${row.name}-train.csv`,
      rows: row.train_rows,
    };
  }

  /**
   * Queues the evaluation of a version on the hidden test part. The caller must be able
   * to change the model; the version must have passed the quality gate (be publishable)
   * and not be ranked on this benchmark already.
   */
  async submit(
    caller: Principal,
    name: string,
    req: { model: string; version: number; features?: string[] },
  ): Promise<JobView> {
    const bench = await this.row(name);
    const [owner, modelName] = splitModel(req.model);
    const ref = await this.registry.modelRef(caller, owner, modelName, 'write');
    if (ref.task !== bench.task) {
      throw new Invalid(`benchmark ${bench.name} ranks ${bench.task} models; ${req.model} is a ${ref.task} model`);
    }
    const version = await this.registry.getVersion(caller, owner, modelName, req.version);
    if (version.verification?.passed !== true) {
      throw new Invalid(
        `version ${req.version} of ${req.model} has not passed the quality gate: publish it first (POST /api/v1/models/${req.model}/publish)`,
      );
    }
    const done = await this.store.result(bench.id, ref.id, req.version);
    if (done) {
      throw new Conflict(
        `version ${req.version} of ${req.model} is ranked on ${bench.name} already (${bench.metric} ${done.score})`,
      );
    }
    return this.submitJob(caller, 'benchmark', {
      benchmark: bench.name,
      model: req.model,
      version: req.version,
      ...(req.features && { features: req.features }),
    });
  }

  /** The worker's input for a queued submission (throws when the benchmark or version is gone). */
  async workerInput(creator: Principal, spec: BenchmarkSpec): Promise<BenchmarkWorkerInput> {
    const bench = await this.row(spec.benchmark);
    const [owner, name] = splitModel(spec.model);
    const version = await this.registry.getVersion(creator, owner, name, spec.version);
    const artifact = await this.registry.artifactPath(creator, owner, name, spec.version, version.format);
    return {
      format: version.format,
      artifactPath: artifact.path,
      signature: version.signature,
      test: {
        path: await this.blobs.localPath(bench.test_sha256),
        format: 'csv',
        schema: { rowCount: bench.test_rows, columns: JSON.parse(bench.columns) as ColumnSchema[] },
      },
      task: bench.task,
      target: bench.target,
      ...(spec.features && { features: spec.features }),
    };
  }

  /** Records what the evaluation measured; answers the job's result with the new rank. */
  async recordResult(
    creator: Principal,
    jobId: string,
    spec: BenchmarkSpec,
    out: BenchmarkWorkerResult,
  ): Promise<Record<string, unknown>> {
    const bench = await this.row(spec.benchmark);
    const [owner, name] = splitModel(spec.model);
    const ref = await this.registry.modelRef(creator, owner, name, 'read');
    const score = out.metrics[bench.metric];
    if (score === undefined || !Number.isFinite(score)) {
      throw new Error(`the evaluation did not measure ${bench.metric}`);
    }
    await this.store.putResult({
      benchmark_id: bench.id,
      model_id: ref.id,
      version: spec.version,
      score,
      metrics: JSON.stringify(out.metrics),
      job_id: jobId,
      submitted_by: creator.userId,
    });
    const ranked = await this.store.results(bench.id, lowerIsBetter(bench.metric));
    const rank = ranked.findIndex((r) => r.model_id === ref.id && r.version === spec.version) + 1;
    return {
      benchmark: bench.name,
      model: spec.model,
      version: spec.version,
      metric: bench.metric,
      score,
      metrics: out.metrics,
      rows: out.rows,
      rank,
    };
  }

  /**
   * The task's benchmarks (or the one named), each with its results best first. Results
   * of models the caller may not see are left out, and ranks count what is shown.
   */
  async leaderboard(caller: Principal | undefined, task: string, benchmark?: string): Promise<Leaderboard> {
    const t = benchmarkTask(task);
    let rows: BenchmarkRow[];
    if (benchmark !== undefined) {
      const row = await this.store.byName(benchmark);
      if (!row || row.task !== t) throw new NotFound(`no ${t} benchmark ${benchmark}`);
      rows = [row];
    } else {
      rows = await this.store.list(t);
    }
    const models = new Map<number, string | null>();
    const users = new Map<number, string>();
    const benchmarks: Leaderboard['benchmarks'] = [];
    for (const row of rows) {
      const entries: LeaderboardEntry[] = [];
      for (const r of await this.store.results(row.id, lowerIsBetter(row.metric))) {
        const model = await this.visibleModel(caller, r.model_id, models);
        if (!model) continue;
        entries.push({
          rank: entries.length + 1,
          model,
          version: r.version,
          score: r.score,
          metrics: JSON.parse(r.metrics) as Record<string, number>,
          verified: true,
          evaluatedAt: r.created_at,
          submittedBy: await this.username(r, users),
          job: r.job_id,
        });
      }
      benchmarks.push({ benchmark: toView(row, caller), entries });
    }
    return { task: t, benchmarks };
  }

  private async row(name: string): Promise<BenchmarkRow> {
    const row = await this.store.byName(name);
    if (!row) throw new NotFound(`no benchmark ${name}`);
    return row;
  }

  private async visibleModel(
    caller: Principal | undefined,
    modelId: number,
    seen: Map<number, string | null>,
  ): Promise<string | null> {
    if (seen.has(modelId)) return seen.get(modelId) ?? null;
    const view = await this.registry.modelById(modelId);
    let name: string | null = null;
    if (view) {
      try {
        name = (await this.registry.modelRef(caller, view.owner, view.name, 'read')).fullName;
      } catch (err) {
        if (!(err instanceof NotFound)) throw err;
      }
    }
    seen.set(modelId, name);
    return name;
  }

  private async username(r: BenchmarkResultRow, seen: Map<number, string>): Promise<string> {
    let name = seen.get(r.submitted_by);
    if (name === undefined) {
      name = await this.auth.getUser(r.submitted_by).then(
        (u) => u.username,
        () => '(deleted user)',
      );
      seen.set(r.submitted_by, name);
    }
    return name;
  }

  private async putBlob(file: string): Promise<string> {
    return (await this.blobs.put(fs.createReadStream(file), Number.MAX_SAFE_INTEGER)).sha256;
  }

  private async dropUnreferenced(...shas: string[]): Promise<void> {
    for (const sha of shas) if (!(await this.store.isBlobReferenced(sha))) await this.blobs.delete(sha);
  }
}

/** Splits a dataset version (stratified by class, as training splits) and stores each part as a CSV blob. */
async function splitIntoParts(
  file: DatasetFile,
  task: BenchmarkTask,
  target: string,
  testFraction: number,
  seed: number,
  put: (path: string) => Promise<string>,
): Promise<{ train: { sha256: string; rows: number }; test: { sha256: string; rows: number } }> {
  const frame = await readFrame(file);
  let strata: Int32Array;
  if (task === 'regression') {
    strata = new Int32Array(frame.nRows);
  } else {
    const labels = columnText(frame, target);
    const classes = new Map<string, number>();
    strata = Int32Array.from(labels, (l) => {
      if (!classes.has(l)) classes.set(l, classes.size);
      return classes.get(l) as number;
    });
    if (classes.size < 2)
      throw new Invalid(`the target "${target}" has ${classes.size} class; a benchmark needs two or more`);
  }
  const { train, test } = stratifiedSplit(strata, testFraction, seed);
  if (test.length < MIN_TEST_ROWS) {
    throw new Invalid(
      `the test part would have ${test.length} rows; a benchmark needs ${MIN_TEST_ROWS}: raise testFraction or use more rows`,
    );
  }
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'marquee-benchmark-'));
  try {
    const trainFile = path.join(dir, 'train.csv');
    const testFile = path.join(dir, 'test.csv');
    writeFrameCsv(trainFile, frame, train);
    writeFrameCsv(testFile, frame, test);
    return {
      train: { sha256: await put(trainFile), rows: train.length },
      test: { sha256: await put(testFile), rows: test.length },
    };
  } finally {
    await fs.promises.rm(dir, { recursive: true, force: true });
  }
}

function benchmarkTask(task: string): BenchmarkTask {
  if (!(BENCHMARK_TASKS as string[]).includes(task)) {
    throw new Invalid(`benchmarks rank ${BENCHMARK_TASKS.join(', ')} models, not "${task}"`);
  }
  return task as BenchmarkTask;
}

function splitModel(model: string): [string, string] {
  const m = /^([a-z0-9][a-z0-9-]{1,38})\/([a-z0-9][a-z0-9_-]{0,63})$/.exec(model);
  if (!m) throw new Invalid(`a model is named owner/name, not "${model}"`);
  return [m[1] as string, m[2] as string];
}

function toView(row: BenchmarkRow, caller: Principal | undefined): BenchmarkView {
  return {
    name: row.name,
    task: row.task,
    description: row.description,
    metric: row.metric,
    higherIsBetter: !lowerIsBetter(row.metric),
    target: row.target,
    columns: (JSON.parse(row.columns) as ColumnSchema[]).map((c) => ({ name: c.name, kind: c.kind })),
    testFraction: row.test_fraction,
    seed: row.seed,
    trainRows: row.train_rows,
    testRows: row.test_rows,
    ...(caller?.isAdmin && { dataset: row.dataset }),
    createdAt: row.created_at,
  };
}
