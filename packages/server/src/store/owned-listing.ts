import { sql } from 'kysely';
import { type Viewer, type Visibility, visibleSql } from '../auth/resource-access.js';
import type { Db } from './database.js';

/** A page of owned resources (models, datasets) as a caller may see them. */
export interface OwnedListQuery {
  /** null: an anonymous caller (public rows only). */
  viewer: Viewer | null;
  owner?: string;
  /** Words that must all appear in the name or the description. */
  q?: string;
  visibility?: Visibility;
  /** Models only. */
  task?: string;
  sort: 'updated' | 'created' | 'name';
  limit: number;
  offset: number;
}

export interface OwnedListRow {
  id: number;
  owner: string;
  name: string;
  visibility: Visibility;
  description: string;
  created_at: string;
  updated_at: string;
}

const ORDER = {
  updated: sql`t.updated_at DESC, t.id DESC`,
  created: sql`t.created_at DESC, t.id DESC`,
  name: sql`o.name ASC, t.name ASC`,
};

/**
 * One query shape for the `models` and `datasets` listings: deny unless allowed (public
 * rows, else the viewer's own, else everything for an admin), filters, a total and a page.
 * Written in SQL that SQLite and PostgreSQL both run.
 */
export async function listOwned(
  db: Db,
  table: 'models' | 'datasets',
  query: OwnedListQuery,
): Promise<{ total: number; rows: OwnedListRow[] }> {
  const where = [sql`1 = 1`];
  where.push(visibleSql(query.viewer, 't', 'id', table === 'models' ? 'model' : 'dataset'));
  if (query.owner) where.push(sql`o.name = ${query.owner}`);
  if (query.visibility) where.push(sql`t.visibility = ${query.visibility}`);
  if (query.task && table === 'models') where.push(sql`t.task = ${query.task}`);
  for (const word of (query.q ?? '').toLowerCase().split(/\s+/).filter(Boolean).slice(0, 8)) {
    const like = `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push(sql`(lower(t.name) LIKE ${like} ESCAPE '\\' OR lower(t.description) LIKE ${like} ESCAPE '\\')`);
  }
  const from = sql`${sql.table(table)} t JOIN owners o ON o.id = t.owner_id WHERE ${sql.join(where, sql` AND `)}`;
  const count = await sql<{ n: number | string }>`SELECT count(*) AS n FROM ${from}`.execute(db);
  const rows = await sql<OwnedListRow>`
    SELECT t.id, o.name AS owner, t.name, t.visibility, t.description, t.created_at, t.updated_at
    FROM ${from} ORDER BY ${ORDER[query.sort]} LIMIT ${query.limit} OFFSET ${query.offset}`.execute(db);
  return { total: Number(count.rows[0]?.n ?? 0), rows: rows.rows };
}
