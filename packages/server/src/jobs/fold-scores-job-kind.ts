import { siblingModule } from '@marquee/engine';
import type { Principal } from '../auth/scopes.js';
import type { DatasetService } from '../datasets/dataset-service.js';
import type { FoldScoresWorkerInput } from './fold-scores-worker.js';
import type { JobKindHandler } from './job-kind.js';
import type { JobRow } from './job-store.js';
import type { FoldScoresSpec } from './training-messages.js';

/** Sub-jobs of training jobs: scores on folds of the training rows, nothing registered. */
export class FoldScoresJobKind implements JobKindHandler {
  readonly module = siblingModule(import.meta.url, 'fold-scores-worker');

  constructor(private readonly datasets: DatasetService) {}

  async prepare(job: JobRow, creator: Principal): Promise<FoldScoresWorkerInput> {
    const spec = JSON.parse(job.spec) as FoldScoresSpec;
    const data = await this.datasets.resolve(creator, spec.dataset);
    return { spec, data: { path: data.path, format: data.format, schema: data.schema, ref: data.ref } };
  }

  async commit(_job: JobRow, _creator: Principal, output: unknown): Promise<Record<string, unknown>> {
    const { scores } = output as { scores: number[] };
    if (!Array.isArray(scores) || scores.some((s) => typeof s !== 'number'))
      throw new Error('a fold-scores sub-job made no scores');
    return { scores };
  }
}
