import { sql } from 'kysely';
import type { Db } from '../database.js';
import { type FullTextDocument, type FullTextIndex, queryTerms, spaceCjk } from './full-text-index.js';

/**
 * FullTextIndex on PostgreSQL: one tsvector per document ('simple' configuration: no
 * stemming, as FTS5's unicode61), fields weighted A name, B tags, C description, D body,
 * ranked by ts_rank with those weights. CJK text is spaced per character as for FTS5, so
 * a run of characters is a phrase query (`情 <-> 感`).
 */
export class PostgresTsvectorIndex implements FullTextIndex {
  constructor(
    private readonly db: Db,
    private readonly table: string,
    private readonly rebuild: () => Promise<Array<{ id: number } & FullTextDocument>>,
  ) {}

  async init(): Promise<void> {
    const exists = await sql<{
      n: number;
    }>`SELECT count(*) AS n FROM information_schema.tables WHERE table_name = ${this.table}`.execute(this.db);
    if (Number(exists.rows[0]?.n) > 0) return;
    await sql`CREATE TABLE ${sql.table(this.table)} (id integer PRIMARY KEY, doc tsvector NOT NULL)`.execute(this.db);
    await sql`CREATE INDEX ${sql.raw(`${this.table}_doc`)} ON ${sql.table(this.table)} USING gin (doc)`.execute(
      this.db,
    );
    for (const doc of await this.rebuild()) await this.put(doc.id, doc);
  }

  async put(id: number, doc: FullTextDocument): Promise<void> {
    const weighted = sql`setweight(to_tsvector('simple', ${spaceCjk(doc.name)}), 'A') ||
      setweight(to_tsvector('simple', ${spaceCjk(doc.tags)}), 'B') ||
      setweight(to_tsvector('simple', ${spaceCjk(doc.description)}), 'C') ||
      setweight(to_tsvector('simple', ${spaceCjk(doc.body)}), 'D')`;
    await sql`INSERT INTO ${sql.table(this.table)} (id, doc) VALUES (${id}, ${weighted})
      ON CONFLICT (id) DO UPDATE SET doc = EXCLUDED.doc`.execute(this.db);
  }

  async remove(id: number): Promise<void> {
    await sql`DELETE FROM ${sql.table(this.table)} WHERE id = ${id}`.execute(this.db);
  }

  matches(text: string) {
    const terms = queryTerms(text);
    if (terms.length === 0) return undefined;
    // Terms are letters and digits only (queryTerms), quoted so nothing is tsquery syntax; words match as prefixes.
    const lexeme = (w: string) => `'${w.replaceAll("'", "''")}'`;
    const expr = terms
      .map((t) => ('word' in t ? `${lexeme(t.word)}:*` : `(${t.phrase.map(lexeme).join(' <-> ')})`))
      .join(' & ');
    return sql<{ id: number; rank: number }>`SELECT id, -ts_rank('{0.1, 0.3, 0.5, 1.0}', doc, q) AS rank
      FROM ${sql.table(this.table)}, to_tsquery('simple', ${expr}) q WHERE doc @@ q`;
  }
}
