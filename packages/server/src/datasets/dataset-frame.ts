import { type Column, categoricalFrom, Frame } from '@marquee/engine';
import { duckdbReader } from './dataset-formats.js';
import type { DatasetFile } from './dataset-views.js';
import { quoteIdent, withDuckDb } from './duckdb.js';

/**
 * A dataset version as the engine's Frame, read by DuckDB: numeric columns as float64
 * (missing → NaN), text as strings, everything else (strings, booleans, times) as
 * categories. `columns` limits what is read; `rows` reads only rows [start, end) of the
 * file's order (DuckDB keeps a file's row order), as a part of a batch job does.
 */
export async function readFrame(
  file: Pick<DatasetFile, 'path' | 'format' | 'schema'>,
  columns?: string[],
  rows?: { start: number; end: number },
): Promise<Frame> {
  const wanted = columns ? file.schema.columns.filter((c) => columns.includes(c.name)) : file.schema.columns;
  const missing = (columns ?? []).filter((n) => !file.schema.columns.some((c) => c.name === n));
  if (missing.length > 0) throw new Error(`the dataset has no column ${missing.map((m) => `"${m}"`).join(', ')}`);
  const select = wanted
    .map(
      (c) => `CAST(${quoteIdent(c.name)} AS ${c.kind === 'numeric' ? 'DOUBLE' : 'VARCHAR'}) AS ${quoteIdent(c.name)}`,
    )
    .join(', ');
  const data = await withDuckDb(async (c) =>
    (
      await c.runAndReadAll(
        `SELECT ${select} FROM ${duckdbReader(file.path, file.format)}${
          rows ? ` LIMIT ${Math.max(0, rows.end - rows.start)} OFFSET ${Math.max(0, rows.start)}` : ''
        }`,
      )
    ).getColumnsJS(),
  );
  return new Frame(
    wanted.map((c, j): [string, Column] => {
      const values = data[j] ?? [];
      if (c.kind === 'numeric') {
        return [
          c.name,
          { kind: 'numeric', values: Float64Array.from(values, (v) => (v === null ? Number.NaN : Number(v))) },
        ];
      }
      if (c.kind === 'text')
        return [c.name, { kind: 'text', values: values.map((v) => (v === null ? null : String(v))) }];
      return [c.name, categoricalFrom(values.map((v) => (v === null ? null : String(v))))];
    }),
  );
}
