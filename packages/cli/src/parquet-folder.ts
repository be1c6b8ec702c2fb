import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

/** The Parquet files of a folder as Spark and Hive write them: `part-*.parquet`, under `key=value` folders. */
export function parquetFilesIn(dir: string): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { recursive: true })) {
    const rel = String(entry);
    // Spark's _SUCCESS, _committed_ markers and .crc checksums are not data.
    if (!rel.endsWith('.parquet') || rel.split(path.sep).some((p) => p.startsWith('_') || p.startsWith('.'))) continue;
    found.push(path.join(dir, rel));
  }
  return found.sort();
}

/**
 * A partitioned Parquet folder as one Parquet file (written to a temporary folder):
 * every part read by DuckDB with `key=value` folder names as columns (hive partitioning)
 * and columns matched by name across parts. The caller removes it when done.
 */
export async function combineParquetFolder(dir: string): Promise<{ file: string; parts: number; remove: () => void }> {
  const parts = parquetFilesIn(dir);
  if (parts.length === 0) throw new Error(`no .parquet files under ${dir}`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-parquet-'));
  const file = path.join(tmp, 'combined.parquet');
  const quote = (s: string) => `'${s.replaceAll("'", "''")}'`;
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  try {
    await c.run(
      `COPY (SELECT * FROM read_parquet([${parts.map(quote).join(', ')}], hive_partitioning = true, union_by_name = true))
         TO ${quote(file)} (FORMAT parquet)`,
    );
  } finally {
    c.closeSync();
  }
  return { file, parts: parts.length, remove: () => fs.rmSync(tmp, { recursive: true, force: true }) };
}
