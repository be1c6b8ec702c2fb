import fs from 'node:fs';
import path from 'node:path';
import { siblingModule } from '@marquee/engine';
import type { Principal } from '../auth/scopes.js';
import type { DatasetService } from '../datasets/dataset-service.js';
import type { JobKindHandler } from '../jobs/job-kind.js';
import type { JobRow } from '../jobs/job-store.js';
import type { BehaviourInput, BehaviourResult, BehaviourSpec } from './behaviour-messages.js';

/** Behaviour jobs (features, segments): a dataset version in, a dataset version (and a report) out. */
export class BehaviourJobKind implements JobKindHandler {
  readonly module = siblingModule(import.meta.url, 'behaviour-worker');

  constructor(
    private readonly datasets: DatasetService,
    private readonly dataDir: string,
  ) {}

  async prepare(job: JobRow, creator: Principal): Promise<BehaviourInput> {
    const spec = JSON.parse(job.spec) as BehaviourSpec;
    const file = async (ref: string) => {
      const d = await this.datasets.resolve(creator, ref);
      return { path: d.path, format: d.format, schema: d.schema, ref: d.ref };
    };
    const dir = path.join(this.dataDir, 'tmp');
    fs.mkdirSync(dir, { recursive: true });
    return {
      spec,
      data: await file(spec.dataset),
      ...(spec.kind === 'segments' && spec.events && { events: await file(spec.events.dataset) }),
      outputFile: path.join(dir, `behaviour-${job.id}.csv`),
    };
  }

  async commit(job: JobRow, creator: Principal, output: unknown): Promise<Record<string, unknown>> {
    const spec = JSON.parse(job.spec) as BehaviourSpec;
    const r = output as BehaviourResult;
    try {
      await this.datasets.ensureDataset(creator, spec.output);
      const view = await this.datasets.createVersionFromFile(creator, spec.output, r.outputFile, 'csv', {
        job: job.id,
        [spec.kind]: true,
        source: spec.dataset,
      });
      return { dataset: `${view.dataset}@${view.version}`, rows: r.rows, ...(r.report && { report: r.report }) };
    } finally {
      fs.rmSync(r.outputFile, { force: true });
    }
  }
}
