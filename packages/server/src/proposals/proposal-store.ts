import type { Selectable, Updateable } from 'kysely';
import { type Db, lockParentRow, nowIso } from '../store/database.js';
import type { ProposalsTable } from '../store/schema.js';

export type ProposalRow = Selectable<ProposalsTable> & { author: string; merger: string | null };
export type ProposalState = 'waiting' | 'evaluating' | 'evaluated' | 'failed' | 'merging' | 'merged' | 'closed';

/** Change proposals: the only code that touches their table. */
export class ProposalStore {
  constructor(private readonly db: Db) {}

  /** Inserts a proposal numbered next for its model, in one transaction; returns the number. */
  insert(
    values: Omit<
      ProposalsTable,
      'id' | 'number' | 'created_at' | 'updated_at' | 'report' | 'error' | 'merged_by' | 'merged_at' | 'merged_version'
    >,
  ): Promise<number> {
    return this.db.transaction().execute(async (tx) => {
      await lockParentRow(tx, 'models', values.model_id);
      const last = await tx
        .selectFrom('proposals')
        .select((eb) => eb.fn.max('number').as('n'))
        .where('model_id', '=', values.model_id)
        .executeTakeFirst();
      const number = Number(last?.n ?? 0) + 1;
      const now = nowIso();
      await tx
        .insertInto('proposals')
        .values({
          ...values,
          number,
          report: null,
          error: null,
          merged_by: null,
          merged_at: null,
          merged_version: null,
          created_at: now,
          updated_at: now,
        })
        .execute();
      return number;
    });
  }

  private rows() {
    return this.db
      .selectFrom('proposals as p')
      .innerJoin('owners as a', 'a.id', 'p.author_id')
      .leftJoin('owners as m', 'm.id', 'p.merged_by')
      .selectAll('p')
      .select(['a.name as author', 'm.name as merger']);
  }

  get(modelId: number, number: number): Promise<ProposalRow | undefined> {
    return this.rows().where('p.model_id', '=', modelId).where('p.number', '=', number).executeTakeFirst();
  }

  byId(id: number): Promise<ProposalRow | undefined> {
    return this.rows().where('p.id', '=', id).executeTakeFirst();
  }

  list(modelId: number, state?: string): Promise<ProposalRow[]> {
    let q = this.rows().where('p.model_id', '=', modelId);
    if (state) q = q.where('p.state', '=', state);
    return q.orderBy('p.number', 'desc').limit(200).execute();
  }

  /** Proposals in a state (what a restart resumes), optionally only those waiting on one job. */
  inState(state: ProposalState, waitJobId?: string): Promise<ProposalRow[]> {
    let q = this.rows().where('p.state', '=', state);
    if (waitJobId !== undefined) q = q.where('p.wait_job_id', '=', waitJobId);
    return q.execute();
  }

  byEvaluationJob(jobId: string): Promise<ProposalRow | undefined> {
    return this.rows().where('p.evaluation_job_id', '=', jobId).executeTakeFirst();
  }

  /**
   * Changes a proposal only when it is still in one of `from` (two mergers, or a merge
   * and a close, cannot both win); false when it was not.
   */
  async transition(
    id: number,
    from: ProposalState[],
    set: Omit<Updateable<ProposalsTable>, 'id' | 'model_id' | 'number' | 'updated_at'>,
  ): Promise<boolean> {
    const res = await this.db
      .updateTable('proposals')
      .set({ ...set, updated_at: nowIso() })
      .where('id', '=', id)
      .where('state', 'in', from)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }
}
