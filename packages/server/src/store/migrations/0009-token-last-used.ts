import type { Kysely, Migration } from 'kysely';

/** Migration 0009: token last used. Shipped: never edit it, add a new one. */
export function tokenLastUsed(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('tokens').addColumn('last_used_at', 'text').execute();
    },
  };
}
