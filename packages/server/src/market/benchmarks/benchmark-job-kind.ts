import { siblingModule } from '@marquee/engine';
import type { Principal } from '../../auth/scopes.js';
import type { JobKindHandler } from '../../jobs/job-kind.js';
import type { JobRow } from '../../jobs/job-store.js';
import type { BenchmarkSpec, BenchmarkWorkerInput, BenchmarkWorkerResult } from './benchmark-messages.js';
import type { BenchmarkService } from './benchmark-service.js';

/** Benchmark submissions: the evaluation on the hidden test part on a thread, then the ranked result. */
export class BenchmarkJobKind implements JobKindHandler {
  readonly module = siblingModule(import.meta.url, 'benchmark-worker');

  constructor(private readonly benchmarks: () => BenchmarkService) {}

  prepare(job: JobRow, creator: Principal): Promise<BenchmarkWorkerInput> {
    return this.benchmarks().workerInput(creator, JSON.parse(job.spec) as BenchmarkSpec);
  }

  commit(job: JobRow, creator: Principal, output: unknown): Promise<Record<string, unknown>> {
    const spec = JSON.parse(job.spec) as BenchmarkSpec;
    return this.benchmarks().recordResult(creator, job.id, spec, output as BenchmarkWorkerResult);
  }
}
