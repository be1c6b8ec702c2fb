import crypto from 'node:crypto';
import { createLearner, learnerDefinition, TextVectorizer } from '@marquee/engine';
import type { AuthService } from '../auth/auth-service.js';
import { canCreateFor } from '../auth/resource-access.js';
import { hasScope, type Principal } from '../auth/scopes.js';
import type { DatasetService } from '../datasets/dataset-service.js';
import { Conflict, Forbidden, Invalid, NotFound } from '../errors.js';
import { OWNER_NAME, RESOURCE_NAME } from '../registry/names.js';
import type { RegistryService } from '../registry/registry-service.js';
import type { BatchPredictionSpec } from './batch-prediction-messages.js';
import type { JobEvent, JobEvents } from './job-events.js';
import type { JobSignals } from './job-signals.js';
import type { JobRow, JobStore } from './job-store.js';
import { type InteractionColumns, type JobProgress, learnerTask, type TrainingSpec } from './training-messages.js';
import {
  checkAuto,
  checkClassWeight,
  checkRecommendation,
  checkSearch,
  columnKinds,
} from './training-request-checks.js';

/** A training request as submitted: the spec with its defaults still open. */
export interface TrainingJobRequest
  extends Pick<
    TrainingSpec,
    | 'model'
    | 'dataset'
    | 'task'
    | 'algorithm'
    | 'target'
    | 'features'
    | 'params'
    | 'text'
    | 'timeLimitS'
    | 'search'
    | 'classWeight'
    | 'kinds'
  > {
  split?: { testFraction?: number; kFolds?: number; leaveLastN?: number };
  seed?: number;
  /** `algorithm: "auto"`: seconds to score candidates (default 120), and the metric that picks the winner. */
  timeBudgetS?: number;
  metric?: string;
  /** `algorithm: "auto"`: a weighted average of the candidates when it scores better (default true). */
  ensemble?: boolean;
  /** Recommendation: which columns are the user, the item, the rating or weight, the time. */
  columns?: Partial<InteractionColumns>;
}

export interface BatchPredictionRequest {
  /** `owner/name`, or `owner/name@version` (default: the champion alias, else the latest). */
  model: string;
  /** `owner/name@version` (latest without a version). */
  dataset: string;
  /** The dataset to add the version to (default: the input dataset). */
  output?: string;
}

export interface JobView {
  id: string;
  kind: JobRow['kind'];
  state: JobRow['state'];
  spec: TrainingSpec | BatchPredictionSpec | Record<string, unknown>;
  progress: JobProgress | null;
  result: Record<string, unknown> | null;
  error: string | null;
  attempts: number;
  createdBy: number;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

const FINAL = new Set(['succeeded', 'failed', 'cancelled']);

/**
 * Training jobs' rules: a request is checked completely before it is queued (model
 * writable, dataset readable, target and features present, algorithm and params known),
 * so a queued job fails only for reasons found while training. A job is seen by its
 * creator and admins only.
 */
export class JobService {
  constructor(
    private readonly store: JobStore,
    private readonly events: JobEvents,
    private readonly signals: JobSignals,
    private readonly datasets: DatasetService,
    private readonly registry: RegistryService,
    private readonly auth: AuthService,
    private readonly limits: { maxAttempts: number; timeLimitS: number },
  ) {}

  private checkQuota: (ownerName: string) => Promise<void> = async () => {};

  /** Who holds a job's output may have only so many jobs at once (the quotas domain says). */
  limitWith(check: (ownerName: string) => Promise<void>): void {
    this.checkQuota = check;
  }

  /** The owner a job works for: the owner of the model or dataset it writes. */
  static ownerOf(spec: string | object, createdBy: string): string {
    const s = (typeof spec === 'string' ? JSON.parse(spec) : spec) as { model?: string; output?: string };
    return (s.model ?? s.output)?.split('/')[0] ?? createdBy;
  }

  /** Jobs queued or running for an owner (for quotas). */
  async activeFor(ownerName: string): Promise<number> {
    const jobs = await this.store.active();
    let n = 0;
    for (const j of jobs) if (JobService.ownerOf(j.spec, '') === ownerName) n++;
    return n;
  }

  async submitTraining(caller: Principal, req: TrainingJobRequest): Promise<JobView> {
    if (!hasScope(caller, 'write')) throw new Forbidden('this call needs a token with the "write" scope');
    const spec = await this.checkTraining(caller, req);
    return this.submit(caller, spec.search ? 'search' : 'train', spec, req.timeLimitS);
  }

  /** Queues a job whose spec its kind's handler understands (checked by the caller). */
  async submit(caller: Principal, kind: JobRow['kind'], spec: object, timeLimitS?: number): Promise<JobView> {
    if (!hasScope(caller, 'write')) throw new Forbidden('this call needs a token with the "write" scope');
    await this.checkQuota(JobService.ownerOf(spec, caller.username));
    const id = crypto.randomUUID();
    await this.store.insert({
      id,
      kind,
      created_by: caller.userId,
      state: 'queued',
      spec: JSON.stringify(spec),
      max_attempts: this.limits.maxAttempts,
      time_limit_s: Math.min(timeLimitS ?? this.limits.timeLimitS, this.limits.timeLimitS),
    });
    this.signals.queued();
    return this.get(caller, id);
  }

  async submitBatchPrediction(caller: Principal, req: BatchPredictionRequest): Promise<JobView> {
    if (!hasScope(caller, 'write')) throw new Forbidden('this call needs a token with the "write" scope');
    const [ref, versionText] = req.model.split('@') as [string, string | undefined];
    const [owner, name, ...rest] = ref.split('/');
    if (!owner || !name || rest.length) throw new Invalid(`model must be "owner/name[@version]", not "${req.model}"`);
    const entry = await this.registry.entryFor(caller, `${owner}/${name}`);
    const version = this.registry.pickVersion(entry, versionText);
    if (!version.details) {
      throw new Invalid(
        `${owner}/${name} version ${version.version} was uploaded as ONNX; batch predictions need a trained version`,
      );
    }
    const data = await this.datasets.resolve(caller, req.dataset);
    const output = req.output ?? (data.ref.split('@')[0] as string);
    await this.datasets.assertWritable(caller, output);
    const spec: BatchPredictionSpec = {
      model: `${owner}/${name}`,
      version: version.version,
      dataset: data.ref,
      output,
    };
    return this.submit(caller, 'batch-predict', spec);
  }

  async get(caller: Principal, id: string): Promise<JobView> {
    return toView(await this.visible(caller, id));
  }

  /**
   * The caller's jobs and those writing to models and datasets the caller may change (an
   * organisation's writers see each other's training), newest first.
   */
  async list(caller: Principal, limit = 50): Promise<JobView[]> {
    if (caller.isAdmin) return (await this.store.list({ limit })).map(toView);
    const rows = await this.store.list({ limit: Math.max(limit * 4, 200) });
    const seen: JobView[] = [];
    for (const row of rows) {
      if (seen.length >= limit) break;
      if (await this.maySee(caller, row)) seen.push(toView(row));
    }
    return seen;
  }

  async cancel(caller: Principal, id: string): Promise<JobView> {
    const row = await this.visible(caller, id);
    if (!hasScope(caller, 'write')) throw new Forbidden('this call needs a token with the "write" scope');
    if (FINAL.has(row.state))
      throw new Conflict(`the job has already ${row.state === 'cancelled' ? 'been cancelled' : row.state}`);
    // Not running here: cancelled in the table, and the runner that has it (another
    // process, or this one between claim and start) stops when it hears or renews.
    if (!this.signals.cancelHere(id) && (await this.store.finish(id, ['queued', 'running'], 'cancelled'))) {
      this.events.publish(id, { type: 'state', state: 'cancelled' });
      this.signals.cancelled(id);
    }
    return this.get(caller, id);
  }

  /**
   * A job's events from now on, after its current state (and last progress): the caller
   * gets `send` calls until the job ends, then `end`. Returns the unsubscribe function.
   */
  async follow(caller: Principal, id: string, send: (e: JobEvent) => void, end: () => void): Promise<() => void> {
    await this.visible(caller, id);
    let finished = false;
    const unsubscribe = this.events.subscribe(id, (e) => {
      if (finished) return;
      send(e);
      if (e.type === 'state' && FINAL.has(e.state)) {
        finished = true;
        end();
      }
    });
    // Subscribed first, then the snapshot: nothing can fall between the two.
    const row = (await this.store.get(id)) as JobRow;
    send({
      type: 'state',
      state: row.state,
      error: row.error,
      result: row.result ? JSON.parse(row.result) : undefined,
    });
    if (row.progress) send({ type: 'progress', progress: JSON.parse(row.progress) as JobProgress });
    if (FINAL.has(row.state) && !finished) {
      finished = true;
      end();
    }
    return unsubscribe;
  }

  private async visible(caller: Principal, id: string): Promise<JobRow> {
    const row = await this.store.get(id);
    if (!row || !(await this.maySee(caller, row))) throw new NotFound(`no job ${id}`);
    return row;
  }

  /**
   * Its creator, site admins, and whoever may change the model or dataset it writes. A
   * token limited to an organisation or a model sees its user's jobs only on what it
   * reaches.
   */
  private async maySee(caller: Principal, row: JobRow): Promise<boolean> {
    const mine = row.created_by === caller.userId;
    if (caller.isAdmin || (mine && !caller.limit)) return true;
    const spec = JSON.parse(row.spec) as { model?: string; output?: string };
    const target = (spec.model ?? spec.output)?.split('@')[0]?.split('/');
    if (target?.length !== 2) return false;
    const [owner, name] = target as [string, string];
    const need = mine ? 'read' : 'write';
    try {
      if (spec.model) await this.registry.modelRef(caller, owner, name, need);
      else await this.datasets.datasetRef(caller, owner, name, need);
      return true;
    } catch (err) {
      if (err instanceof Forbidden) return false;
      if (!(err instanceof NotFound)) throw err;
      // Hidden from the caller: no more theirs than if it did not exist.
      const exists = spec.model
        ? (await this.registry.modelByName(`${owner}/${name}`)) !== undefined
        : await this.datasets.exists(owner, name);
      if (exists) return false;
      // Not made yet (a first training run): those who may create under its owner.
      const ownerId = await this.auth.ownerId(owner);
      return ownerId !== undefined && canCreateFor(caller, ownerId);
    }
  }

  private async checkTraining(caller: Principal, req: TrainingJobRequest): Promise<TrainingSpec> {
    const [owner, name, ...rest] = req.model.split('/');
    if (!owner || !name || rest.length || !OWNER_NAME.test(owner) || !RESOURCE_NAME.test(name)) {
      throw new Invalid(`model must be "owner/name", not "${req.model}"`);
    }
    try {
      // Exists: the caller must be able to add versions (checked again when the version is made).
      await this.registry.modelRef(caller, owner, name, 'write');
    } catch (err) {
      if (!(err instanceof NotFound)) throw err;
      const ownerId = await this.auth.ownerId(owner);
      if (ownerId === undefined) throw new NotFound(`no owner "${owner}"`);
      if (!canCreateFor(caller, ownerId)) throw new NotFound(`no model ${req.model}`);
    }
    const data = await this.datasets.resolve(caller, req.dataset);
    const columns = new Map(data.schema.columns.map((c) => [c.name, c]));
    if (req.task === 'recommendation') return checkRecommendation(req, data.ref, columns);
    if (!req.target)
      throw new Invalid(`give the target: the column to predict (columns: ${[...columns.keys()].join(', ')})`);
    const target = columns.get(req.target);
    if (!target)
      throw new Invalid(
        `dataset ${data.ref} has no column "${req.target}" (columns: ${[...columns.keys()].join(', ')})`,
      );
    if (req.task === 'regression' && target.kind !== 'numeric') {
      throw new Invalid(`regression needs a numeric target; "${req.target}" is ${target.kind}`);
    }
    for (const f of req.features ?? []) {
      if (!columns.has(f)) throw new Invalid(`dataset ${data.ref} has no column "${f}"`);
      if (f === req.target) throw new Invalid(`"${f}" is the target; it cannot be a feature too`);
    }
    const kinds = columnKinds(req, data.ref, columns);
    const task = learnerTask(req.task);
    const auto = req.algorithm === 'auto' ? checkAuto(req, task) : undefined;
    let def: ReturnType<typeof learnerDefinition> | undefined;
    if (!auto) {
      if (req.timeBudgetS !== undefined || req.metric !== undefined || req.ensemble !== undefined)
        throw new Invalid('timeBudgetS, metric and ensemble go with algorithm "auto"');
      try {
        def = learnerDefinition(req.algorithm);
      } catch (err) {
        throw new Invalid(`${err instanceof Error ? err.message : String(err)}, or "auto"`);
      }
      if (!def.tasks.includes(task))
        throw new Invalid(`${req.algorithm} learns ${def.tasks.join(' or ')}, not ${task}`);
    }
    if (req.task === 'sentiment') {
      const features = req.features ?? [...columns.keys()].filter((c) => c !== req.target);
      const kindOf = (f: string) => {
        const declared = kinds?.[f];
        return typeof declared === 'object' ? declared.kind : (declared ?? columns.get(f)?.kind);
      };
      if (!features.some((f) => kindOf(f) === 'text')) {
        throw new Invalid('a sentiment model learns from text: name a text column in features (none of them is text)');
      }
    }
    try {
      if (def) createLearner(req.algorithm, def.tasks.length > 1 ? { task, ...req.params } : (req.params ?? {}));
      if (req.text) new TextVectorizer(req.text);
    } catch (err) {
      throw new Invalid(err instanceof Error ? err.message : String(err));
    }
    const testFraction = req.split?.testFraction ?? 0.2;
    const kFolds = req.split?.kFolds ?? 0;
    if (!(testFraction >= 0.05 && testFraction <= 0.5))
      throw new Invalid('split.testFraction must be between 0.05 and 0.5');
    if (!(kFolds === 0 || (Number.isInteger(kFolds) && kFolds >= 2 && kFolds <= 20))) {
      throw new Invalid('split.kFolds must be 0 (none) or between 2 and 20');
    }
    if (req.classWeight !== undefined) checkClassWeight(req.classWeight, task, def);
    const search =
      req.search && def
        ? checkSearch(req.search, req.algorithm, def.tasks.length > 1 ? task : undefined, req.params)
        : undefined;
    return {
      ...(search && { search }),
      ...(auto && { auto }),
      model: req.model,
      dataset: data.ref,
      task: req.task,
      algorithm: req.algorithm,
      target: req.target,
      ...(req.features && { features: req.features }),
      ...(req.params && { params: req.params }),
      ...(req.text && { text: req.text }),
      seed: req.seed ?? 0,
      testFraction,
      kFolds,
      ...(req.classWeight !== undefined && { classWeight: req.classWeight }),
      ...(kinds && { kinds }),
    };
  }
}

function toView(r: JobRow): JobView {
  return {
    id: r.id,
    kind: r.kind,
    state: r.state,
    spec: JSON.parse(r.spec) as TrainingSpec | BatchPredictionSpec,
    progress: r.progress ? (JSON.parse(r.progress) as JobProgress) : null,
    result: r.result ? (JSON.parse(r.result) as Record<string, unknown>) : null,
    error: r.error,
    attempts: r.attempts,
    createdBy: r.created_by,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
  };
}
