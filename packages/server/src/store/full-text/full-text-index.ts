import type { RawBuilder } from 'kysely';

/** The text of one document, by field; fields are weighted name > tags > description > body. */
export interface FullTextDocument {
  name: string;
  tags: string;
  description: string;
  body: string;
}

/**
 * A full-text index over documents keyed by integer id, ranked by BM25. SQLite's FTS5
 * serves the embedded store; PostgreSQL's tsvector/ts_rank can stand behind the same
 * interface in the cluster mode. Callers combine `matches` with their own SQL, so
 * filters, facets and sorting stay in one query.
 */
export interface FullTextIndex {
  /** Creates what the index needs; safe to call at every start. */
  init(): Promise<void>;
  put(id: number, doc: FullTextDocument): Promise<void>;
  remove(id: number): Promise<void>;
  /**
   * A query yielding `(id, rank)` for the documents matching every word of `text`, lower
   * rank = better; undefined when the text has no searchable word.
   */
  matches(text: string): RawBuilder<{ id: number; rank: number }> | undefined;
}

/** Han, Kana and Hangul: scripts written without spaces between words. */
const CJK = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]/u;
const CJK_GLOBAL = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]/gu;

/**
 * Text with every CJK character a word of its own, so that a query of any run of
 * characters (`情感`) finds text holding that run (`情感分析`) as a phrase, with no
 * dictionary. Other text is left to the tokenizer.
 */
export function spaceCjk(text: string): string {
  return text.replace(CJK_GLOBAL, (c) => ` ${c} `);
}

/** A query's terms: `{ phrase: ['情','感'] }` for a CJK run, `{ word }` otherwise (matched as a prefix). */
export function queryTerms(text: string): Array<{ word: string } | { phrase: string[] }> {
  const terms: Array<{ word: string } | { phrase: string[] }> = [];
  for (const run of text
    .normalize('NFKC')
    .toLowerCase()
    .match(/[\p{L}\p{N}]+/gu) ?? []) {
    if (CJK.test(run)) terms.push({ phrase: spaceCjk(run).split(/\s+/).filter(Boolean) });
    else terms.push({ word: run });
  }
  return terms.slice(0, 16);
}
