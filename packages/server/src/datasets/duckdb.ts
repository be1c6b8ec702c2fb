import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { guardedNativeCall } from '@marquee/engine';

/**
 * One in-memory DuckDB per process (per thread), opened on first use. Datasets live as
 * files in the blob store; DuckDB reads them in place (CSV, JSON lines, Parquet) for
 * schema inference, previews and the frames training reads.
 */
let instance: Promise<DuckDBInstance> | undefined;

export async function withDuckDb<T>(run: (c: DuckDBConnection) => Promise<T>): Promise<T> {
  // On a job's thread, a cancel waits for DuckDB to return: cutting it aborts the process.
  return guardedNativeCall(async () => {
    instance ??= DuckDBInstance.create(':memory:', { threads: '2' });
    const connection = await (await instance).connect();
    try {
      return await run(connection);
    } finally {
      connection.closeSync();
    }
  });
}

/** Quotes an identifier (a column name from a user's file) for DuckDB SQL. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
