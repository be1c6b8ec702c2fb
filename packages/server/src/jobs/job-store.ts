import { type Db, type Dialect, nowIso, skippingLocked } from '../store/database.js';
import type { JobsTable } from '../store/schema.js';

export type JobRow = JobsTable;

/** What a new job is given; the rest starts empty. */
export type NewJob = Pick<JobRow, 'id' | 'kind' | 'created_by' | 'state' | 'spec' | 'max_attempts' | 'time_limit_s'> & {
  parent_id?: string;
};

function queuedRow(row: NewJob): JobRow {
  return {
    ...row,
    attempts: 0,
    progress: null,
    result: null,
    error: null,
    created_at: nowIso(),
    started_at: null,
    finished_at: null,
    lease_owner: null,
    lease_until: null,
    parent_id: row.parent_id ?? null,
  };
}
export type JobState = JobsTable['state'];

/**
 * The jobs table's queries. The queue is this table: a job is claimed by moving it to
 * running under a lease (owner and expiry) that its runner renews while it works.
 */
export class JobStore {
  constructor(
    private readonly db: Db,
    private readonly dialect: Dialect = 'sqlite',
  ) {}

  async insert(row: NewJob): Promise<void> {
    await this.db.insertInto('jobs').values(queuedRow(row)).execute();
  }

  /** Queues the sub-jobs not queued yet (ids are the parent's and an index, so a retry finds its own). */
  async insertChildren(rows: Array<NewJob & { parent_id: string }>): Promise<void> {
    if (rows.length === 0) return;
    await this.db
      .insertInto('jobs')
      .values(rows.map(queuedRow))
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }

  /** A job's sub-jobs. */
  children(parentId: string): Promise<Array<Pick<JobRow, 'id' | 'state' | 'result' | 'error' | 'lease_owner'>>> {
    return this.db
      .selectFrom('jobs')
      .select(['id', 'state', 'result', 'error', 'lease_owner'])
      .where('parent_id', '=', parentId)
      .orderBy('id')
      .execute();
  }

  /** Cancels a job's unfinished sub-jobs (their runners stop when they next renew). */
  async cancelChildren(parentId: string): Promise<void> {
    await this.db
      .updateTable('jobs')
      .set({ state: 'cancelled', finished_at: nowIso(), lease_until: null })
      .where('parent_id', '=', parentId)
      .where('state', 'in', ['queued', 'running'])
      .execute();
  }

  get(id: string): Promise<JobRow | undefined> {
    return this.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
  }

  list(opts: { createdBy?: number; kind?: JobRow['kind']; limit: number }): Promise<JobRow[]> {
    let q = this.db.selectFrom('jobs').selectAll().where('parent_id', 'is', null);
    if (opts.createdBy !== undefined) q = q.where('created_by', '=', opts.createdBy);
    if (opts.kind) q = q.where('kind', '=', opts.kind);
    return q.orderBy('created_at', 'desc').limit(opts.limit).execute();
  }

  /** Jobs queued or running (for quotas). */
  active(): Promise<Array<Pick<JobRow, 'id' | 'kind' | 'spec' | 'created_by'>>> {
    return this.db
      .selectFrom('jobs')
      .select(['id', 'kind', 'spec', 'created_by'])
      .where('state', 'in', ['queued', 'running'])
      .where('parent_id', 'is', null)
      .execute();
  }

  /** Takes the oldest queued job for `owner` until `leaseUntil`, in one transaction, or undefined. */
  claimNext(owner: string, leaseUntil: string): Promise<JobRow | undefined> {
    return this.db.transaction().execute(async (tx) => {
      const next = await skippingLocked(
        tx.selectFrom('jobs').selectAll().where('state', '=', 'queued').orderBy('created_at').limit(1),
        this.dialect,
      ).executeTakeFirst();
      if (!next) return undefined;
      const claimed = {
        state: 'running' as const,
        attempts: next.attempts + 1,
        started_at: nowIso(),
        progress: null,
        lease_owner: owner,
        lease_until: leaseUntil,
      };
      const res = await tx
        .updateTable('jobs')
        .set(claimed)
        .where('id', '=', next.id)
        .where('state', '=', 'queued')
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) === 0) return undefined;
      return { ...next, ...claimed };
    });
  }

  /** Gives a job back to the queue (its runner is shutting down); the attempt does not count. */
  async release(id: string, owner: string): Promise<void> {
    await this.db
      .updateTable('jobs')
      .set((eb) => ({
        state: 'queued',
        attempts: eb('attempts', '-', 1),
        progress: null,
        lease_owner: null,
        lease_until: null,
      }))
      .where('id', '=', id)
      .where('state', '=', 'running')
      .where('lease_owner', '=', owner)
      .execute();
  }

  /** Extends a lease; false when the job is no longer running under it (cancelled, taken over). */
  async renewLease(id: string, owner: string, leaseUntil: string): Promise<boolean> {
    const res = await this.db
      .updateTable('jobs')
      .set({ lease_until: leaseUntil })
      .where('id', '=', id)
      .where('state', '=', 'running')
      .where('lease_owner', '=', owner)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }

  async setProgress(id: string, progress: string): Promise<void> {
    await this.db.updateTable('jobs').set({ progress }).where('id', '=', id).where('state', '=', 'running').execute();
  }

  /** Moves a job to a final state; false when it was no longer in one of `from`. */
  async finish(
    id: string,
    from: JobState[],
    to: 'succeeded' | 'failed' | 'cancelled',
    fields: { result?: string; error?: string } = {},
    /** Only while this process holds the job's lease (a runner finishing what it ran). */
    leaseOwner?: string,
  ): Promise<boolean> {
    let q = this.db
      .updateTable('jobs')
      .set({
        state: to,
        result: fields.result ?? null,
        error: fields.error ?? null,
        finished_at: nowIso(),
        // The owner stays: which process ran the job.
        lease_until: null,
      })
      .where('id', '=', id)
      .where('state', 'in', from);
    if (leaseOwner !== undefined) q = q.where('lease_owner', '=', leaseOwner);
    const res = await q.executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }

  /**
   * Jobs whose runner is gone: all running jobs after an embedded server's restart (it
   * was the only runner), or, with `leaseExpiredBefore`, those whose lease lapsed (a
   * worker killed or cut off). Each goes back to the queue, or fails when it has been
   * interrupted `max_attempts` times already.
   */
  async recoverInterrupted(leaseExpiredBefore?: string): Promise<{ requeued: string[]; failed: string[] }> {
    return this.db.transaction().execute(async (tx) => {
      let q = tx.selectFrom('jobs').select(['id', 'attempts', 'max_attempts']).where('state', '=', 'running');
      if (leaseExpiredBefore !== undefined) q = q.where('lease_until', '<', leaseExpiredBefore);
      const running = await skippingLocked(q, this.dialect).execute();
      const who =
        leaseExpiredBefore === undefined ? 'the server stopped' : 'the worker running it stopped renewing its lease';
      const requeued: string[] = [];
      const failed: string[] = [];
      for (const j of running) {
        const base = tx.updateTable('jobs').where('id', '=', j.id).where('state', '=', 'running');
        if (j.attempts >= j.max_attempts) {
          await base
            .set({
              state: 'failed',
              error: `${who} while this job ran (attempt ${j.attempts} of ${j.max_attempts}); it is not retried`,
              finished_at: nowIso(),
              lease_owner: null,
              lease_until: null,
            })
            .execute();
          failed.push(j.id);
        } else {
          await base.set({ state: 'queued', progress: null, lease_owner: null, lease_until: null }).execute();
          requeued.push(j.id);
        }
      }
      return { requeued, failed };
    });
  }
}
