import type { Kysely, Migration } from 'kysely';

/** Migration 0007: forks. Shipped: never edit it, add a new one. */
export function forks(): Migration {
  return {
    // Where a fork came from, as its name at the time: it stays readable after the source goes.
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('models').addColumn('forked_from', 'text').execute();
      await db.schema.alterTable('datasets').addColumn('forked_from', 'text').execute();
    },
  };
}
