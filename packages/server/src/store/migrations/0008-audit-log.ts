import { type Kysely, type Migration, sql } from 'kysely';
import type { ColumnKinds } from './column-kinds.js';

/** Migration 0008: audit log. Shipped: never edit it, add a new one. */
export function auditLog({ ID, id }: ColumnKinds): Migration {
  return {
    // Append-only: no code updates or deletes a row. Actor and owner are kept by id and
    // name, without foreign keys, so the record outlives the user or model it names.
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('audit_log')
        .addColumn('id', ID, id)
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('actor_id', 'integer')
        .addColumn('actor', 'text')
        .addColumn('token_id', 'text')
        .addColumn('address', 'text', (c) => c.notNull())
        .addColumn('method', 'text', (c) => c.notNull())
        .addColumn('route', 'text', (c) => c.notNull())
        .addColumn('path', 'text', (c) => c.notNull())
        .addColumn('owner_id', 'integer')
        .addColumn('status', 'integer', (c) => c.notNull())
        .addColumn('request_id', 'text', (c) => c.notNull())
        .execute();
      await sql`CREATE INDEX audit_log_actor ON audit_log (actor_id, id)`.execute(db);
      await sql`CREATE INDEX audit_log_owner ON audit_log (owner_id, id)`.execute(db);
    },
  };
}
