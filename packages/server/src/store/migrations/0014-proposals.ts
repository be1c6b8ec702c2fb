import { type Kysely, type Migration, sql } from 'kysely';
import type { ColumnKinds } from './column-kinds.js';

/** Migration 0014: proposals. Shipped: never edit it, add a new one. */
export function proposals({ ID, id, REAL }: ColumnKinds): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('models').addColumn('evaluation', 'text').execute();
      await db.schema
        .createTable('alias_rules')
        .addColumn('model_id', 'integer', (c) => c.notNull().references('models.id').onDelete('cascade'))
        .addColumn('alias', 'text', (c) => c.notNull())
        .addColumn('metric', 'text', (c) => c.notNull())
        .addColumn('tolerance', REAL, (c) => c.notNull())
        .addColumn('updated_by', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('alias_rules_pk', ['model_id', 'alias'])
        .execute();
      await db.schema
        .createTable('proposals')
        .addColumn('id', ID, id)
        .addColumn('model_id', 'integer', (c) => c.notNull().references('models.id').onDelete('cascade'))
        .addColumn('number', 'integer', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('author_id', 'integer', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('candidate_model_id', 'integer')
        .addColumn('candidate_version', 'integer')
        .addColumn('wait_job_id', 'text')
        .addColumn('target_alias', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('evaluation_job_id', 'text')
        .addColumn('report', 'text')
        .addColumn('error', 'text')
        .addColumn('merged_by', 'integer')
        .addColumn('merged_at', 'text')
        .addColumn('merged_version', 'integer')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('proposals_number', ['model_id', 'number'])
        .execute();
      await sql`CREATE INDEX proposals_waiting ON proposals (state, wait_job_id)`.execute(db);
    },
  };
}
