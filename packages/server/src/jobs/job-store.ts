import { type Db, nowIso } from '../store/database.js';
import type { JobsTable } from '../store/schema.js';

export type JobRow = JobsTable;
export type JobState = JobsTable['state'];

/** The jobs table's queries. The queue is this table: a job is claimed by moving it to running. */
export class JobStore {
  constructor(private readonly db: Db) {}

  async insert(
    row: Omit<JobRow, 'created_at' | 'started_at' | 'finished_at' | 'attempts' | 'progress' | 'result' | 'error'>,
  ): Promise<void> {
    await this.db
      .insertInto('jobs')
      .values({
        ...row,
        attempts: 0,
        progress: null,
        result: null,
        error: null,
        created_at: nowIso(),
        started_at: null,
        finished_at: null,
      })
      .execute();
  }

  get(id: string): Promise<JobRow | undefined> {
    return this.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
  }

  list(opts: { createdBy?: number; kind?: JobRow['kind']; limit: number }): Promise<JobRow[]> {
    let q = this.db.selectFrom('jobs').selectAll();
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
      .execute();
  }

  /** Takes the oldest queued job, in one transaction, or undefined. */
  claimNext(): Promise<JobRow | undefined> {
    return this.db.transaction().execute(async (tx) => {
      const next = await tx
        .selectFrom('jobs')
        .selectAll()
        .where('state', '=', 'queued')
        .orderBy('created_at')
        .limit(1)
        .executeTakeFirst();
      if (!next) return undefined;
      const started = nowIso();
      const res = await tx
        .updateTable('jobs')
        .set({ state: 'running', attempts: next.attempts + 1, started_at: started, progress: null })
        .where('id', '=', next.id)
        .where('state', '=', 'queued')
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) === 0) return undefined;
      return { ...next, state: 'running', attempts: next.attempts + 1, started_at: started };
    });
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
  ): Promise<boolean> {
    const res = await this.db
      .updateTable('jobs')
      .set({ state: to, result: fields.result ?? null, error: fields.error ?? null, finished_at: nowIso() })
      .where('id', '=', id)
      .where('state', 'in', from)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }

  /**
   * After a restart: jobs left running were interrupted. Each goes back to the queue, or
   * fails when it has been interrupted `maxAttempts` times already.
   */
  async recoverInterrupted(): Promise<{ requeued: string[]; failed: string[] }> {
    return this.db.transaction().execute(async (tx) => {
      const running = await tx
        .selectFrom('jobs')
        .select(['id', 'attempts', 'max_attempts'])
        .where('state', '=', 'running')
        .execute();
      const requeued: string[] = [];
      const failed: string[] = [];
      for (const j of running) {
        if (j.attempts >= j.max_attempts) {
          await tx
            .updateTable('jobs')
            .set({
              state: 'failed',
              error: `the server stopped while this job ran (attempt ${j.attempts} of ${j.max_attempts}); it is not retried`,
              finished_at: nowIso(),
            })
            .where('id', '=', j.id)
            .execute();
          failed.push(j.id);
        } else {
          await tx.updateTable('jobs').set({ state: 'queued', progress: null }).where('id', '=', j.id).execute();
          requeued.push(j.id);
        }
      }
      return { requeued, failed };
    });
  }
}
