import { type Kysely, type Migration, sql } from 'kysely';

/** Migration 0006: orgs and roles. Shipped: never edit it, add a new one. */
export function orgsAndRoles(): Migration {
  return {
    // Organisations are owners of kind 'org' (one namespace with users); visibility gains
    // 'internal' (a text column: no schema change).
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('org_members')
        .addColumn('org_id', 'integer', (c) => c.notNull().references('owners.id').onDelete('cascade'))
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.owner_id').onDelete('cascade'))
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('org_members_pk', ['org_id', 'user_id'])
        .execute();
      await db.schema
        .createTable('collaborators')
        .addColumn('resource', 'text', (c) => c.notNull())
        .addColumn('resource_id', 'integer', (c) => c.notNull())
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.owner_id').onDelete('cascade'))
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('collaborators_pk', ['resource', 'resource_id', 'user_id'])
        .execute();
      await sql`CREATE INDEX org_members_user ON org_members (user_id)`.execute(db);
      await sql`CREATE INDEX collaborators_user ON collaborators (user_id, resource)`.execute(db);
    },
  };
}
