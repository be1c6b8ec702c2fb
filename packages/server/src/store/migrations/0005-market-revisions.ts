import { type Kysely, type Migration, sql } from 'kysely';

/** Migration 0005: market revisions. Shipped: never edit it, add a new one. */
export function marketRevisions(): Migration {
  return {
    // A counter per cached view of the market's tables (the search's facet index): every
    // node compares it with the revision it loaded, so a change made by another node in
    // the cluster mode is seen at the next search.
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('market_revisions')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('revision', 'integer', (c) => c.notNull())
        .execute();
      await sql`INSERT INTO market_revisions (name, revision) VALUES ('facets', 0)`.execute(db);
    },
  };
}
