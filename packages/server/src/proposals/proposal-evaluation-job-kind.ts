import { siblingModule } from '@marquee/engine';
import type { Principal } from '../auth/scopes.js';
import type { JobKindHandler } from '../jobs/job-kind.js';
import type { JobRow } from '../jobs/job-store.js';
import type { ProposalEvaluationSpec, ProposalWorkerInput, ProposalWorkerResult } from './proposal-messages.js';
import type { ProposalService } from './proposal-service.js';

/** A proposal's side-by-side evaluation: both versions run on a thread, the report stored on the proposal. */
export class ProposalEvaluationJobKind implements JobKindHandler {
  readonly module = siblingModule(import.meta.url, 'proposal-evaluation-worker');

  constructor(private readonly proposals: () => ProposalService) {}

  prepare(job: JobRow, creator: Principal): Promise<ProposalWorkerInput> {
    return this.proposals().workerInput(creator, JSON.parse(job.spec) as ProposalEvaluationSpec);
  }

  commit(job: JobRow, _creator: Principal, output: unknown): Promise<Record<string, unknown>> {
    const spec = JSON.parse(job.spec) as ProposalEvaluationSpec;
    return this.proposals().recordEvaluation(job.id, spec, output as ProposalWorkerResult);
  }
}
