import { type Insertable, type Selectable, sql } from 'kysely';
import type { Db } from '../store/database.js';
import type { AuditLogTable } from '../store/schema.js';

export type AuditRow = Selectable<AuditLogTable>;

export interface AuditQuery {
  actorId?: number;
  ownerId?: number;
  /** Only calls by this user name. */
  actor?: string;
  /** Only calls whose path starts with this. */
  pathPrefix?: string;
  since?: string;
  until?: string;
  /** Rows with a smaller id (the next page). */
  before?: number;
  limit: number;
}

/** The audit log's queries: insert and read. There is deliberately no update and no delete. */
export class AuditStore {
  constructor(private readonly db: Db) {}

  async append(row: Insertable<AuditLogTable>): Promise<void> {
    await this.db.insertInto('audit_log').values(row).execute();
  }

  list(q: AuditQuery): Promise<AuditRow[]> {
    let query = this.db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(q.limit);
    if (q.actorId !== undefined) query = query.where('actor_id', '=', q.actorId);
    if (q.ownerId !== undefined) query = query.where('owner_id', '=', q.ownerId);
    if (q.actor !== undefined) query = query.where('actor', '=', q.actor);
    if (q.pathPrefix !== undefined) {
      const like = `${q.pathPrefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      query = query.where(sql<boolean>`path LIKE ${like} ESCAPE '\\'`);
    }
    if (q.since !== undefined) query = query.where('at', '>=', q.since);
    if (q.until !== undefined) query = query.where('at', '<', q.until);
    if (q.before !== undefined) query = query.where('id', '<', q.before);
    return query.execute();
  }
}
