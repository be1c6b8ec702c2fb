import type { Kysely, Migration } from 'kysely';

/** Migration 0012: owner quotas. Shipped: never edit it, add a new one. */
export function ownerQuotas(): Migration {
  return {
    // Per-owner overrides of the server's default quotas (null: the default).
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('owner_quotas')
        .addColumn('owner_id', 'integer', (c) => c.primaryKey().references('owners.id').onDelete('cascade'))
        .addColumn('storage_bytes', 'integer')
        .addColumn('concurrent_jobs', 'integer')
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
    },
  };
}
