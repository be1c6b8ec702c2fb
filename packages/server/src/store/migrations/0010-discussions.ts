import { type Kysely, type Migration, sql } from 'kysely';
import type { ColumnKinds } from './column-kinds.js';

/** Migration 0010: discussions. Shipped: never edit it, add a new one. */
export function discussions({ ID, id }: ColumnKinds): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('discussions')
        .addColumn('id', ID, id)
        .addColumn('resource', 'text', (c) => c.notNull())
        .addColumn('resource_id', 'integer', (c) => c.notNull())
        .addColumn('number', 'integer', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('author_id', 'integer', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('locked', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('discussions_number', ['resource', 'resource_id', 'number'])
        .execute();
      await db.schema
        .createTable('discussion_comments')
        .addColumn('id', ID, id)
        .addColumn('discussion_id', 'integer', (c) => c.notNull().references('discussions.id').onDelete('cascade'))
        .addColumn('author_id', 'integer', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('hidden', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('edited_at', 'text')
        .execute();
      await sql`CREATE INDEX discussion_comments_thread ON discussion_comments (discussion_id, id)`.execute(db);
    },
  };
}
