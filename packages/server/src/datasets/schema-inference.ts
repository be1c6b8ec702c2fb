import { ordinalOrder } from '@marquee/engine';
import { Invalid } from '../errors.js';
import { CsvFault, checkCsvStructure } from './csv-structure-check.js';
import { type DatasetFormat, duckdbReader } from './dataset-formats.js';
import { quoteIdent, withDuckDb } from './duckdb.js';

/**
 * How the platform reads a column: a number, a category, a category with an order (bands
 * such as "1 - 10%", "< 5k", "Level 3"), free text, or a time.
 */
export type ColumnKind = 'numeric' | 'categorical' | 'ordinal' | 'text' | 'datetime';

export interface ColumnSchema {
  name: string;
  /** DuckDB's type, e.g. DOUBLE, BIGINT, VARCHAR, TIMESTAMP. */
  type: string;
  kind: ColumnKind;
  nulls: number;
  /** Approximate (HyperLogLog) for large columns, as DuckDB's SUMMARIZE gives it. */
  distinct: number;
  /** Ordinal columns: their values, lowest first. */
  order?: string[];
}

export interface DatasetSchema {
  rowCount: number;
  columns: ColumnSchema[];
}

export interface SchemaLimits {
  maxColumns: number;
}

const NUMERIC =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL.*)$/;
const TIME = /^(DATE|TIME|TIMESTAMP.*|INTERVAL)$/;
/** String columns with at most this many distinct values are read whole to see whether they carry an order. */
const MAX_ORDINAL_LEVELS = 100;
/** Chinese or Japanese is written without spaces: a run of its characters counts as words (RE2, DuckDB's regex engine). */
const CJK_RUN = '[\\p{Han}\\p{Hiragana}\\p{Katakana}]{3,}';

/**
 * Reads a stored file with DuckDB and describes its columns: type, nulls, distinct
 * values, and whether a string column is a category or free text (mostly distinct values
 * of several words). A file DuckDB cannot read, or a CSV with a structural fault, is
 * Invalid with the line or column at fault.
 */
export async function inferSchema(path: string, format: DatasetFormat, limits: SchemaLimits): Promise<DatasetSchema> {
  if (format === 'csv') {
    try {
      await checkCsvStructure(path, limits.maxColumns);
    } catch (err) {
      if (err instanceof CsvFault) throw new Invalid(`not a valid CSV file: ${err.message}`, { line: err.line });
      throw err;
    }
  }
  return withDuckDb(async (c) => {
    let summary: Array<Record<string, unknown>>;
    try {
      summary = (await c.runAndReadAll(`SUMMARIZE SELECT * FROM ${duckdbReader(path, format)}`)).getRowObjectsJson();
    } catch (err) {
      throw new Invalid(
        `not a valid ${format === 'jsonl' ? 'JSON lines' : format.toUpperCase()} file: ${duckMessage(err)}`,
      );
    }
    if (summary.length > limits.maxColumns) {
      throw new Invalid(`the file has ${summary.length} columns; at most ${limits.maxColumns} are allowed`);
    }
    if (summary.length === 0) throw new Invalid('the file has no columns');
    const rowCount = Number(summary[0]?.count ?? 0);
    const strings = summary.filter((s) => String(s.column_type) === 'VARCHAR').map((s) => String(s.column_name));
    const wordy = new Map<string, { avgLength: number; spaced: number }>();
    if (strings.length > 0 && rowCount > 0) {
      const parts = strings.map(
        (n, i) =>
          `avg(length(${quoteIdent(n)})) AS l${i}, count(*) FILTER (WHERE contains(trim(${quoteIdent(n)}), ' ') OR regexp_matches(${quoteIdent(n)}, '${CJK_RUN}')) AS s${i}`,
      );
      const [row] = (
        await c.runAndReadAll(`SELECT ${parts.join(', ')} FROM ${duckdbReader(path, format)}`)
      ).getRowObjectsJson();
      strings.forEach((n, i) => {
        wordy.set(n, { avgLength: Number(row?.[`l${i}`] ?? 0), spaced: Number(row?.[`s${i}`] ?? 0) });
      });
    }
    const columns = summary.map((s): ColumnSchema => {
      const name = String(s.column_name);
      const type = String(s.column_type);
      const nulls = Math.round((Number(s.null_percentage ?? 0) / 100) * rowCount);
      const distinct = Math.min(Number(s.approx_unique ?? 0), rowCount - nulls);
      return { name, type, kind: kindOf(type, distinct, rowCount - nulls, wordy.get(name)), nulls, distinct };
    });
    // Categories few enough to read whole: ordinal when every value sits on one scale.
    const few = columns.filter(
      (col) => col.kind === 'categorical' && col.type === 'VARCHAR' && col.distinct <= MAX_ORDINAL_LEVELS,
    );
    if (few.length > 0) {
      const lists = few.map((col, i) => `array_agg(DISTINCT ${quoteIdent(col.name)}) AS o${i}`);
      const [row] = (
        await c.runAndReadAll(`SELECT ${lists.join(', ')} FROM ${duckdbReader(path, format)}`)
      ).getRowObjectsJson();
      few.forEach((col, i) => {
        const values = ((row?.[`o${i}`] as unknown[] | null) ?? []).filter((v) => v !== null).map(String);
        const order = values.length <= MAX_ORDINAL_LEVELS ? ordinalOrder(values) : undefined;
        if (order) Object.assign(col, { kind: 'ordinal', order });
      });
    }
    return { rowCount, columns };
  });
}

function kindOf(
  type: string,
  distinct: number,
  present: number,
  words: { avgLength: number; spaced: number } | undefined,
): ColumnKind {
  if (NUMERIC.test(type)) return 'numeric';
  if (TIME.test(type)) return 'datetime';
  // Free text: mostly distinct values, most of them several words long (15 characters on
  // average), or every one of them a clause of Chinese or Japanese (fewer characters).
  if (
    words &&
    present > 0 &&
    distinct > Math.max(20, 0.5 * present) &&
    words.spaced > 0.5 * present &&
    (words.avgLength >= 15 || words.spaced === present)
  ) {
    return 'text';
  }
  return 'categorical';
}

/** DuckDB's message without its SQL echo (our query, not the user's problem). */
export function duckMessage(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return (
    msg
      .split('\n')
      .filter((l) => l.trim() !== '' && !/^LINE \d+:/.test(l) && !/^\s*\^/.test(l))
      .slice(0, 4)
      .join(' ')
      .replace(/^(Invalid Input|IO|Conversion|Parser) Error: /, '')
      // DuckDB names the file it read: a path in the server's blob store, not the caller's business.
      .replace(/\s*(?:in|at end of)? ?file ["'][^"']*["']/gi, '')
      .slice(0, 500)
  );
}
