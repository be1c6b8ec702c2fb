import type { AuthService } from '../auth/auth-service.js';
import type { Principal } from '../auth/scopes.js';
import type { DatasetService } from '../datasets/dataset-service.js';
import { Conflict, Forbidden, Invalid, NotFound, Unprocessable } from '../errors.js';
import type { JobView } from '../jobs/job-service.js';
import type { JobRow } from '../jobs/job-store.js';
import type { ModelRef, RegistryService } from '../registry/registry-service.js';
import { ruleVerdict } from './merge-rule.js';
import type {
  ComparedVersion,
  ProposalEvaluationSpec,
  ProposalWorkerInput,
  ProposalWorkerResult,
} from './proposal-messages.js';
import type { ProposalRow, ProposalState, ProposalStore } from './proposal-store.js';
import {
  type ProposalInput,
  type ProposalReport,
  type ProposalSource,
  type ProposalView,
  reportOf,
} from './proposal-views.js';

/** What proposals need of the jobs domain. */
export interface ProposalJobs {
  get(caller: Principal, id: string): Promise<JobView>;
  submit(caller: Principal, kind: JobRow['kind'], spec: object): Promise<JobView>;
  /** A job's end state, with no access check (to resume what waits on it). */
  outcome(id: string): Promise<{ state: string; result: unknown; error: string | null } | undefined>;
}

export type ProposalEvent = 'proposal.opened' | 'proposal.evaluated' | 'proposal.merged';
export type ProposalListener = (event: ProposalEvent, model: ModelRef, proposal: ProposalView) => void;

const LATENCY_ROWS = 50;
const FINAL_JOB = new Set(['succeeded', 'failed', 'cancelled']);

/**
 * Change proposals: anyone who may read a model proposes a candidate version; the
 * platform evaluates it against what the target alias names on the model's evaluation
 * data; a writer merges it, moving the alias. A protected alias moves only this way, and
 * only when the evaluation passed its rule. Proposals are seen by whoever sees the model.
 */
export class ProposalService {
  private listeners: ProposalListener[] = [];

  constructor(
    private readonly store: ProposalStore,
    private readonly registry: RegistryService,
    private readonly datasets: DatasetService,
    private readonly jobs: ProposalJobs,
    private readonly auth: AuthService,
    /** Starts a canary of the alias with the merged version (the serving domain's rollouts). */
    private readonly startCanary: (
      merger: Principal,
      model: ModelRef,
      alias: string,
      version: number,
      weight: number,
      proposal: number,
    ) => Promise<void> = async () => {
      throw new Invalid('this server runs no rollouts');
    },
  ) {}

  onEvent(listener: ProposalListener): void {
    this.listeners.push(listener);
  }

  async open(caller: Principal, owner: string, name: string, input: ProposalInput): Promise<ProposalView> {
    const target = await this.registry.modelRef(caller, owner, name, 'read');
    if (!target.evaluation) {
      throw new Unprocessable(
        `model ${target.fullName} has no evaluation data: an admin sets it with PUT /api/v1/models/${target.fullName}/evaluation {dataset, target, split} before proposals can be evaluated`,
      );
    }
    const alias = input.alias ?? 'champion';
    const found = await this.candidateOf(caller, target, input.source);
    const number = await this.store.insert({
      model_id: target.id,
      title: input.title,
      description: input.description ?? '',
      author_id: caller.userId,
      source: JSON.stringify(input.source),
      candidate_model_id: found.candidate?.id ?? null,
      candidate_version: found.candidate?.version ?? null,
      wait_job_id: found.waitJob ?? null,
      target_alias: alias,
      state: found.candidate ? 'evaluating' : 'waiting',
      evaluation_job_id: null,
    });
    const row = (await this.store.get(target.id, number)) as ProposalRow;
    if (found.candidate) await this.startEvaluation(caller, target, row);
    const view = await this.get(caller, owner, name, number);
    this.emit('proposal.opened', target, view);
    return view;
  }

  async list(caller: Principal | undefined, owner: string, name: string, state?: string): Promise<ProposalView[]> {
    const target = await this.registry.modelRef(caller, owner, name, 'read');
    return Promise.all((await this.store.list(target.id, state)).map((r) => this.toView(target, r)));
  }

  async get(caller: Principal | undefined, owner: string, name: string, number: number): Promise<ProposalView> {
    const target = await this.registry.modelRef(caller, owner, name, 'read');
    return this.toView(target, await this.row(target, number));
  }

  /** Runs the evaluation again (the alias moved, or the first one failed): the author or writers. */
  async reevaluate(caller: Principal, owner: string, name: string, number: number): Promise<ProposalView> {
    const target = await this.registry.modelRef(caller, owner, name, 'read');
    const row = await this.row(target, number);
    await this.assertAuthorOrWriter(caller, target, row, 'evaluate it again');
    if (row.candidate_version === null) throw new Conflict(`proposal ${number} still waits for its training job`);
    if (!['evaluated', 'failed'].includes(row.state)) {
      throw new Conflict(`proposal ${number} is ${row.state}; only an evaluated or failed one is evaluated again`);
    }
    await this.startEvaluation(caller, target, row);
    return this.get(caller, owner, name, number);
  }

  /** Closes or reopens (the author or writers). A reopened proposal is evaluated again. */
  async setState(
    caller: Principal,
    owner: string,
    name: string,
    number: number,
    state: 'open' | 'closed',
  ): Promise<ProposalView> {
    const target = await this.registry.modelRef(caller, owner, name, 'read');
    const row = await this.row(target, number);
    await this.assertAuthorOrWriter(caller, target, row, state === 'closed' ? 'close it' : 'reopen it');
    if (state === 'closed') {
      if (!(await this.store.transition(row.id, ['waiting', 'evaluating', 'evaluated', 'failed'], { state: 'closed' })))
        throw new Conflict(`proposal ${number} is ${row.state} and cannot be closed`);
    } else {
      if (row.state !== 'closed') throw new Conflict(`proposal ${number} is ${row.state}, not closed`);
      if (row.candidate_version === null) {
        await this.store.transition(row.id, ['closed'], { state: 'waiting' });
        await this.resumeWaiting(row.wait_job_id as string);
      } else {
        await this.startEvaluation(caller, target, row, ['closed']);
      }
    }
    return this.get(caller, owner, name, number);
  }

  /**
   * Merges: moves the alias to the candidate (a fork's version is imported first) and
   * records who did it. Writers only; the evaluation must be done, and on a protected
   * alias it must have passed the rule against the version the alias still names.
   */
  async merge(
    caller: Principal,
    owner: string,
    name: string,
    number: number,
    opts: { canary?: { weight: number } } = {},
  ): Promise<ProposalView> {
    const target = await this.registry.modelRef(caller, owner, name, 'write');
    const row = await this.row(target, number);
    if (row.state !== 'evaluated') {
      throw new Conflict(
        row.state === 'merged'
          ? `proposal ${number} is merged already`
          : `proposal ${number} is ${row.state}: it merges once its evaluation is done`,
      );
    }
    const report = JSON.parse(row.report as string) as ProposalReport;
    const rule = target.protectedAliases[row.target_alias];
    if (rule) {
      const current = target.aliases[row.target_alias] ?? null;
      if ((report.baseline?.version ?? null) !== current) {
        throw new Conflict(
          `"${row.target_alias}" names version ${current} now, not the ${report.baseline?.version ?? 'no'} version this proposal was evaluated against: evaluate it again (POST …/proposals/${number}/evaluate)`,
        );
      }
      const verdict = ruleVerdict(row.target_alias, rule, report.comparison);
      if (!verdict.passed) {
        throw new Forbidden(
          `"${row.target_alias}" is protected and this proposal's evaluation did not pass its rule: ${verdict.reason}`,
        );
      }
    }
    if (!(await this.store.transition(row.id, ['evaluated'], { state: 'merging', merged_by: caller.userId }))) {
      throw new Conflict(`proposal ${number} changed while merging; look again`);
    }
    if (opts.canary) {
      // The candidate joins the model, and the alias's traffic is split; promoting the canary moves the alias.
      const version = await this.registry.adoptCandidate(
        caller,
        target,
        row.target_alias,
        { modelId: row.candidate_model_id as number, version: row.candidate_version as number },
        false,
      );
      await this.startCanary(caller, target, row.target_alias, version, opts.canary.weight, row.number);
      await this.store.transition(row.id, ['merging'], {
        state: 'merged',
        merged_at: new Date().toISOString(),
        merged_version: version,
      });
    } else {
      await this.finishMerge(caller, target, { ...row, merged_by: caller.userId });
    }
    const view = await this.get(caller, owner, name, number);
    this.emit('proposal.merged', target, view);
    return view;
  }

  /** The evaluation job's input: the model's evaluation data (chosen by its admins) and both sides. */
  async workerInput(creator: Principal, spec: ProposalEvaluationSpec): Promise<ProposalWorkerInput> {
    const [owner, name] = spec.model.split('/') as [string, string];
    const target = await this.registry.modelRef(creator, owner, name, 'read');
    const row = await this.row(target, spec.proposal);
    if (!target.evaluation) throw new Error(`model ${target.fullName} has no evaluation data any more`);
    const file = await this.datasets.resolveForJob(target.evaluation.dataset);
    const candidateModel = await this.modelById(row.candidate_model_id as number);
    const current = target.aliases[row.target_alias];
    return {
      data: file,
      task: target.task,
      evaluation: target.evaluation,
      candidate: await this.compared(creator, candidateModel, row.candidate_version as number),
      baseline: current === undefined ? null : await this.compared(creator, target.fullName, current),
      latencyRows: LATENCY_ROWS,
    };
  }

  /** Stores what the evaluation measured, with the alias rule's verdict; answers the job's result. */
  async recordEvaluation(
    jobId: string,
    spec: ProposalEvaluationSpec,
    out: ProposalWorkerResult,
  ): Promise<Record<string, unknown>> {
    const target = await this.registry.modelByName(spec.model);
    if (!target) throw new Error(`model ${spec.model} is gone`);
    const row = await this.row(target, spec.proposal);
    // A superseded evaluation (the proposal was evaluated again meanwhile) changes nothing.
    if (row.evaluation_job_id !== jobId) return { proposal: row.number, superseded: true };
    const rule = target.protectedAliases[row.target_alias];
    const report = reportOf(row.target_alias, out, rule ? ruleVerdict(row.target_alias, rule, out.comparison) : null);
    const stored = await this.store.transition(row.id, ['evaluating'], {
      state: 'evaluated',
      report: JSON.stringify(report),
      error: null,
    });
    if (stored) {
      this.emit(
        'proposal.evaluated',
        target,
        await this.toView(target, (await this.store.byId(row.id)) as ProposalRow),
      );
    }
    return { proposal: row.number, model: target.fullName, rule: report.rule, rows: out.comparison.rows };
  }

  /** A job ended: a proposal evaluated by it failed with it, or one waiting for it goes on. */
  async jobEnded(jobId: string, state: string, error: string | null): Promise<void> {
    if (state !== 'succeeded') {
      const row = await this.store.byEvaluationJob(jobId);
      if (row)
        await this.store.transition(row.id, ['evaluating'], {
          state: 'failed',
          error: error ?? `the evaluation ${state}`,
        });
    }
    await this.resumeWaiting(jobId);
  }

  /** After a restart: what waited on jobs that ended meanwhile goes on; interrupted merges finish. */
  async resume(): Promise<void> {
    for (const row of await this.store.inState('waiting')) await this.resumeWaiting(row.wait_job_id as string);
    for (const row of await this.store.inState('evaluating')) {
      const outcome = row.evaluation_job_id ? await this.jobs.outcome(row.evaluation_job_id) : undefined;
      if (outcome && outcome.state !== 'succeeded' && FINAL_JOB.has(outcome.state))
        await this.jobEnded(row.evaluation_job_id as string, outcome.state, outcome.error);
    }
    for (const row of await this.store.inState('merging')) {
      const target = await this.registry.modelById(row.model_id);
      if (!target) continue;
      const merger = await this.auth.principalForJob(row.merged_by as number, `proposal-merge:${row.id}`);
      const ref = await this.registry.modelRef(merger, target.owner, target.name, 'read');
      await this.finishMerge(merger, ref, row);
    }
  }

  private async resumeWaiting(jobId: string): Promise<void> {
    const outcome = await this.jobs.outcome(jobId);
    if (!outcome || !FINAL_JOB.has(outcome.state)) return;
    for (const row of await this.store.inState('waiting', jobId)) {
      if (outcome.state !== 'succeeded') {
        await this.store.transition(row.id, ['waiting'], {
          state: 'failed',
          error: `training job ${jobId} ${outcome.state}${outcome.error ? `: ${outcome.error}` : ''}`,
        });
        continue;
      }
      const made = outcome.result as { model: string; version: number };
      const candidate = await this.registry.modelByName(made.model);
      const target = await this.registry.modelById(row.model_id);
      if (!candidate || !target) continue;
      await this.store.transition(row.id, ['waiting'], {
        candidate_model_id: candidate.id,
        candidate_version: made.version,
        state: 'evaluating',
      });
      const author = await this.auth.principalForJob(row.author_id, `proposal:${row.id}`);
      const ref = await this.registry.modelRef(author, target.owner, target.name, 'read');
      await this.startEvaluation(author, ref, row, ['evaluating']);
    }
  }

  /** Idempotent: when the alias already names the candidate's artifact, only the record is finished. */
  private async finishMerge(merger: Principal, target: ModelRef, row: ProposalRow): Promise<void> {
    const candidateModel = row.candidate_model_id as number;
    const version = await this.registry.adoptCandidate(merger, target, row.target_alias, {
      modelId: candidateModel,
      version: row.candidate_version as number,
    });
    await this.store.transition(row.id, ['merging'], {
      state: 'merged',
      merged_at: new Date().toISOString(),
      merged_version: version,
    });
  }

  private async startEvaluation(
    caller: Principal,
    target: ModelRef,
    row: ProposalRow,
    from: ProposalState[] = ['evaluating', 'evaluated', 'failed'],
  ): Promise<void> {
    const spec: ProposalEvaluationSpec = { model: target.fullName, proposal: row.number };
    const job = await this.jobs.submit(caller, 'proposal-evaluation', spec);
    await this.store.transition(row.id, from, { state: 'evaluating', evaluation_job_id: job.id, error: null });
  }

  private async candidateOf(
    caller: Principal,
    target: ModelRef,
    source: ProposalSource,
  ): Promise<{ candidate?: { id: number; version: number }; waitJob?: string }> {
    if ('job' in source) {
      const job = await this.jobs.get(caller, source.job);
      const spec = job.spec as { model?: string };
      if ((job.kind !== 'train' && job.kind !== 'search') || !spec.model) {
        throw new Invalid(`job ${source.job} is a ${job.kind} job, not a training job`);
      }
      await this.sameLineage(caller, target, spec.model);
      if (job.state === 'failed' || job.state === 'cancelled') {
        throw new Unprocessable(`training job ${source.job} ${job.state}: it made no version to propose`);
      }
      if (job.state !== 'succeeded') return { waitJob: job.id };
      const made = job.result as { model: string; version: number };
      const model = await this.registry.modelByName(made.model);
      if (!model) throw new NotFound(`model ${made.model} is gone`);
      return { candidate: { id: model.id, version: made.version } };
    }
    const fullName = 'model' in source ? source.model : target.fullName;
    const model = await this.sameLineage(caller, target, fullName);
    const [owner, name] = fullName.split('/') as [string, string];
    await this.registry.getVersion(caller, owner, name, source.version);
    return { candidate: { id: model.id, version: source.version } };
  }

  /** The model a candidate comes from must be the target or a fork of it, and visible to the proposer. */
  private async sameLineage(caller: Principal, target: ModelRef, fullName: string): Promise<ModelRef> {
    const [owner, name, ...rest] = fullName.split('/');
    if (!owner || !name || rest.length) throw new Invalid(`a model is named owner/name, not "${fullName}"`);
    const model = await this.registry.modelRef(caller, owner, name, 'read');
    if (model.id !== target.id && model.forkedFrom !== target.fullName) {
      throw new Invalid(`${fullName} is not ${target.fullName} nor a fork of it`);
    }
    if (model.task !== target.task)
      throw new Invalid(`${fullName} is a ${model.task} model; ${target.fullName} is ${target.task}`);
    return model;
  }

  private async compared(creator: Principal, fullName: string, version: number): Promise<ComparedVersion> {
    const [owner, name] = fullName.split('/') as [string, string];
    const view = await this.registry.getVersion(creator, owner, name, version);
    const artifact = await this.registry.artifactPath(creator, owner, name, version, view.format);
    return {
      model: fullName,
      version,
      format: view.format,
      artifactPath: artifact.path,
      signature: view.signature,
      sizeBytes: view.sizeBytes,
    };
  }

  private async assertAuthorOrWriter(caller: Principal, target: ModelRef, row: ProposalRow, what: string) {
    if (row.author_id === caller.userId) return;
    try {
      await this.registry.modelRef(caller, target.owner, target.name, 'write');
    } catch (err) {
      if (err instanceof Forbidden || err instanceof NotFound)
        throw new Forbidden(`only the proposal's author or the model's writers may ${what}`);
      throw err;
    }
  }

  private async row(target: ModelRef, number: number): Promise<ProposalRow> {
    const row = await this.store.get(target.id, number);
    if (!row) throw new NotFound(`model ${target.fullName} has no proposal ${number}`);
    return row;
  }

  private async modelById(id: number): Promise<string> {
    const view = await this.registry.modelById(id);
    if (!view) throw new NotFound('the candidate model is gone');
    return view.fullName;
  }

  private async toView(target: ModelRef, r: ProposalRow): Promise<ProposalView> {
    const candidate =
      r.candidate_model_id === null || r.candidate_version === null
        ? null
        : { model: await this.modelById(r.candidate_model_id).catch(() => '(deleted)'), version: r.candidate_version };
    return {
      model: target.fullName,
      number: r.number,
      title: r.title,
      description: r.description,
      author: r.author,
      source: JSON.parse(r.source) as ProposalSource,
      candidate,
      alias: r.target_alias,
      state: r.state as ProposalState,
      evaluationJob: r.evaluation_job_id,
      report: r.report ? (JSON.parse(r.report) as ProposalReport) : null,
      error: r.error,
      merged:
        r.state === 'merged' && r.merger && r.merged_at && r.merged_version !== null
          ? { by: r.merger, at: r.merged_at, version: r.merged_version }
          : null,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    };
  }

  private emit(event: ProposalEvent, model: ModelRef, view: ProposalView): void {
    for (const l of this.listeners) l(event, model, view);
  }
}
