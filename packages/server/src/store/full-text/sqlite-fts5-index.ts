import { sql } from 'kysely';
import type { Db } from '../database.js';
import { type FullTextDocument, type FullTextIndex, queryTerms, spaceCjk } from './full-text-index.js';

/**
 * FullTextIndex on SQLite FTS5 (unicode61, diacritics folded), BM25 with the weights
 * name 10, tags 5, description 3, body 1. The table is derived data: `init` creates it
 * and fills it from `rebuild` when it is new.
 */
export class SqliteFts5Index implements FullTextIndex {
  constructor(
    private readonly db: Db,
    private readonly table: string,
    private readonly rebuild: () => Promise<Array<{ id: number } & FullTextDocument>>,
  ) {}

  async init(): Promise<void> {
    const exists = await sql<{ n: number }>`SELECT count(*) AS n FROM sqlite_master WHERE name = ${this.table}`.execute(
      this.db,
    );
    if (Number(exists.rows[0]?.n) > 0) return;
    await sql`CREATE VIRTUAL TABLE ${sql.table(this.table)} USING fts5(
      name, tags, description, body, tokenize = 'unicode61 remove_diacritics 2')`.execute(this.db);
    for (const doc of await this.rebuild()) await this.put(doc.id, doc);
  }

  async put(id: number, doc: FullTextDocument): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await sql`DELETE FROM ${sql.table(this.table)} WHERE rowid = ${id}`.execute(tx);
      await sql`INSERT INTO ${sql.table(this.table)} (rowid, name, tags, description, body)
        VALUES (${id}, ${spaceCjk(doc.name)}, ${spaceCjk(doc.tags)}, ${spaceCjk(doc.description)}, ${spaceCjk(doc.body)})`.execute(
        tx,
      );
    });
  }

  async remove(id: number): Promise<void> {
    await sql`DELETE FROM ${sql.table(this.table)} WHERE rowid = ${id}`.execute(this.db);
  }

  matches(text: string) {
    const terms = queryTerms(text);
    if (terms.length === 0) return undefined;
    // Every term quoted, so nothing in a query is FTS5 syntax; words match as prefixes.
    const expr = terms.map((t) => ('word' in t ? `"${t.word}"*` : `"${t.phrase.join(' ')}"`)).join(' AND ');
    return sql<{
      id: number;
      rank: number;
    }>`SELECT rowid AS id, bm25(${sql.table(this.table)}, 10.0, 5.0, 3.0, 1.0) AS rank
      FROM ${sql.table(this.table)} WHERE ${sql.table(this.table)} MATCH ${expr}`;
  }
}
