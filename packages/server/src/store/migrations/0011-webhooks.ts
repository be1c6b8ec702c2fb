import { type Kysely, type Migration, sql } from 'kysely';
import type { ColumnKinds } from './column-kinds.js';

/** Migration 0011: webhooks. Shipped: never edit it, add a new one. */
export function webhooks({ ID, id }: ColumnKinds): Migration {
  return {
    // webhook_deliveries is the outbox and the delivery log at once: an event is written
    // here before anything is sent, so a crash loses nothing; the dispatcher resumes it.
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('webhooks')
        .addColumn('id', ID, id)
        .addColumn('owner_id', 'integer', (c) => c.notNull().references('owners.id').onDelete('cascade'))
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('events', 'text', (c) => c.notNull())
        .addColumn('secret', 'text', (c) => c.notNull())
        .addColumn('created_by', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('webhook_deliveries')
        .addColumn('id', ID, id)
        .addColumn('webhook_id', 'integer', (c) => c.notNull().references('webhooks.id').onDelete('cascade'))
        .addColumn('event', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_at', 'text', (c) => c.notNull())
        .addColumn('last_status', 'integer')
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('delivered_at', 'text')
        .execute();
      await sql`CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_at)`.execute(db);
      await sql`CREATE INDEX webhooks_owner ON webhooks (owner_id)`.execute(db);
    },
  };
}
