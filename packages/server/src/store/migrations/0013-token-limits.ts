import type { Kysely, Migration } from 'kysely';

/** Migration 0013: token limits. Shipped: never edit it, add a new one. */
export function tokenLimits(): Migration {
  return {
    // A token may be limited to what one organisation owns, or to one model: by id (what
    // the checks use) and by name (what the owner reads).
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('tokens').addColumn('limited_to', 'text').execute();
      await db.schema.alterTable('tokens').addColumn('limit_owner_id', 'integer').execute();
      await db.schema.alterTable('tokens').addColumn('limit_model_id', 'integer').execute();
    },
  };
}
