import type { Selectable } from 'kysely';
import { type Db, nowIso } from '../../store/database.js';
import type { DeploymentsTable } from '../../store/schema.js';

export type DeploymentRow = Selectable<DeploymentsTable> & { starter: string };

/** Rollouts (deployments of an alias): the only code that touches their table. */
export class DeploymentStore {
  constructor(private readonly db: Db) {}

  of(modelId: number): Promise<DeploymentRow[]> {
    return this.db
      .selectFrom('deployments as d')
      .innerJoin('owners as o', 'o.id', 'd.started_by')
      .selectAll('d')
      .select('o.name as starter')
      .where('d.model_id', '=', modelId)
      .orderBy('d.alias')
      .execute();
  }

  async put(v: Omit<DeploymentsTable, 'started_at'>): Promise<void> {
    const now = nowIso();
    const { model_id: _m, alias: _a, ...set } = v;
    await this.db
      .insertInto('deployments')
      .values({ ...v, started_at: now })
      .onConflict((oc) => oc.columns(['model_id', 'alias']).doUpdateSet({ ...set, started_at: now }))
      .execute();
  }

  async delete(modelId: number, alias: string): Promise<boolean> {
    const res = await this.db
      .deleteFrom('deployments')
      .where('model_id', '=', modelId)
      .where('alias', '=', alias)
      .executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }
}
