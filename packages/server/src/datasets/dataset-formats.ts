import { UnsupportedMediaType } from '../errors.js';

/** The file formats a dataset version may have. */
export type DatasetFormat = 'csv' | 'jsonl' | 'parquet';

const BY_CONTENT_TYPE: Record<string, DatasetFormat> = {
  'text/csv': 'csv',
  'application/csv': 'csv',
  'application/jsonl': 'jsonl',
  'application/x-ndjson': 'jsonl',
  'application/x-jsonlines': 'jsonl',
  'application/vnd.apache.parquet': 'parquet',
  'application/x-parquet': 'parquet',
};

export const DATASET_CONTENT_TYPES = Object.keys(BY_CONTENT_TYPE);

/** The format a Content-Type names (parameters such as charset ignored). */
export function formatOfContentType(contentType: string | undefined): DatasetFormat {
  const bare = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const format = BY_CONTENT_TYPE[bare];
  if (!format) {
    throw new UnsupportedMediaType(
      `a dataset version is CSV, JSONL or Parquet: send Content-Type ${DATASET_CONTENT_TYPES.join(', ')} (got "${bare || 'none'}")`,
    );
  }
  return format;
}

/** A DuckDB table function reading the file; CSV with its dialect fixed (the structure was checked before). */
export function duckdbReader(path: string, format: DatasetFormat): string {
  const file = `'${path.replaceAll("'", "''")}'`;
  if (format === 'csv')
    return `read_csv(${file}, header = true, delim = ',', quote = '"', escape = '"', strict_mode = true)`;
  if (format === 'jsonl') return `read_json(${file}, format = 'newline_delimited')`;
  return `read_parquet(${file})`;
}
