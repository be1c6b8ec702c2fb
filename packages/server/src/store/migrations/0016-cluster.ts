import type { Kysely, Migration } from 'kysely';

/** Migration 0016: cluster. Shipped: never edit it, add a new one. */
export function cluster(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      // A running job belongs to the process holding its lease; a lease not renewed in
      // time marks the job interrupted, whatever host it ran on.
      await db.schema.alterTable('jobs').addColumn('lease_owner', 'text').execute();
      await db.schema.alterTable('jobs').addColumn('lease_until', 'text').execute();
      // Rate-limit windows every node adds its calls to (the cluster mode's shared limits).
      await db.schema
        .createTable('rate_windows')
        .addColumn('policy', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('window_start', 'bigint', (c) => c.notNull())
        .addColumn('count', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('rate_windows_pk', ['policy', 'key', 'window_start'])
        .execute();
    },
  };
}
