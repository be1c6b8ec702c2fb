import fs from 'node:fs';
import path from 'node:path';
import { siblingModule } from '@marquee/engine';
import type { Principal } from '../auth/scopes.js';
import type { DatasetService } from '../datasets/dataset-service.js';
import type { RegistryService } from '../registry/registry-service.js';
import type { BatchPredictionInput, BatchPredictionResult, BatchPredictionSpec } from './batch-prediction-messages.js';
import type { JobKindHandler, SubJobs } from './job-kind.js';
import type { JobRow } from './job-store.js';

/** Batch predictions: a model version over a dataset version, written as a new dataset version. */
export class BatchPredictionJobKind implements JobKindHandler {
  readonly module = siblingModule(import.meta.url, 'batch-prediction-worker');

  constructor(
    private readonly datasets: DatasetService,
    private readonly registry: RegistryService,
    private readonly dataDir: string,
    /** Rows per sub-job when the work is spread over workers. */
    private readonly rangeRows = 100_000,
  ) {}

  /** Ranges of rows, one sub-job each; the job's thread then writes the parts out as one file. */
  async fanOut(_job: JobRow, _creator: Principal, input: unknown, sub: SubJobs): Promise<unknown> {
    const work = input as BatchPredictionInput;
    const n = work.data.schema.rowCount;
    if (work.spec.range || n < 2 * this.rangeRows) return work;
    const parts = Math.ceil(n / this.rangeRows);
    const specs: BatchPredictionSpec[] = Array.from({ length: parts }, (_, i) => ({
      ...work.spec,
      range: { start: Math.floor((i * n) / parts), end: Math.floor(((i + 1) * n) / parts) },
    }));
    const results = await sub.run('batch-predict', specs);
    const shas = results.map((r) => r.part as string);
    return { ...work, parts: await Promise.all(shas.map((sha) => this.datasets.scratchPath(sha))), partShas: shas };
  }

  async prepare(job: JobRow, creator: Principal): Promise<BatchPredictionInput> {
    const spec = JSON.parse(job.spec) as BatchPredictionSpec;
    const data = await this.datasets.resolve(creator, spec.dataset);
    const [owner, name] = spec.model.split('/') as [string, string];
    const { path: artifactPath } = await this.registry.artifactPath(creator, owner, name, spec.version, 'native');
    const dir = path.join(this.dataDir, 'tmp');
    fs.mkdirSync(dir, { recursive: true });
    return {
      spec,
      data: { path: data.path, format: data.format, schema: data.schema, ref: data.ref },
      artifactPath,
      outputFile: path.join(dir, `batch-${job.id}.csv`),
    };
  }

  async commit(job: JobRow, creator: Principal, output: unknown): Promise<Record<string, unknown>> {
    const spec = JSON.parse(job.spec) as BatchPredictionSpec;
    const r = output as BatchPredictionResult;
    if (spec.range) {
      // A part: kept in the blob store for the job that puts the parts together, wherever it runs.
      try {
        return { part: await this.datasets.putScratch(r.outputFile), rows: r.rows };
      } finally {
        fs.rmSync(r.outputFile, { force: true });
      }
    }
    try {
      const view = await this.datasets.createVersionFromFile(creator, spec.output, r.outputFile, 'csv', {
        job: job.id,
        model: spec.model,
        modelVersion: spec.version,
        source: spec.dataset,
      });
      return { dataset: `${view.dataset}@${view.version}`, rows: r.rows, columns: r.columns };
    } finally {
      fs.rmSync(r.outputFile, { force: true });
      for (const sha of r.partShas ?? []) await this.datasets.discardScratch(sha);
    }
  }
}
