import { type Kysely, type Migration, sql } from 'kysely';

/** Migration 0017: sub jobs. Shipped: never edit it, add a new one. */
export function subJobs(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('jobs').addColumn('parent_id', 'text').execute();
      await sql`CREATE INDEX jobs_parent ON jobs (parent_id)`.execute(db);
    },
  };
}
