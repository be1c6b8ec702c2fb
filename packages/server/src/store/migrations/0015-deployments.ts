import type { Kysely, Migration } from 'kysely';

/** Migration 0015: deployments. Shipped: never edit it, add a new one. */
export function deployments(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('deployments')
        .addColumn('model_id', 'integer', (c) => c.notNull().references('models.id').onDelete('cascade'))
        .addColumn('alias', 'text', (c) => c.notNull())
        .addColumn('routes', 'text', (c) => c.notNull())
        .addColumn('shadow_version', 'integer')
        .addColumn('sticky', 'text', (c) => c.notNull())
        .addColumn('proposal_number', 'integer')
        .addColumn('started_by', 'integer', (c) => c.notNull())
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('deployments_pk', ['model_id', 'alias'])
        .execute();
    },
  };
}
