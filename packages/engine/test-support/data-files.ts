/**
 * Where the engine's tests find their data: the repository's fixtures first (small
 * permissive sets, some gzipped), then ../shared/data (large or GPL sets that the
 * repository does not carry). Tests that need the latter skip when it is absent.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const FIXTURES = path.resolve(HERE, '../../../test/fixtures/data');
export const SHARED = process.env.MARQUEE_SHARED_DIR ?? path.resolve(HERE, '../../../../shared');

function locate(relative: string): string | undefined {
  for (const base of [FIXTURES, path.join(SHARED, 'data')]) {
    const file = path.join(base, relative);
    if (fs.existsSync(file)) return file;
    if (fs.existsSync(`${file}.gz`)) return `${file}.gz`;
  }
  return undefined;
}

/** A data file's text (`data/`-relative path, as in shared/data). */
export function dataText(relative: string): string {
  const file = locate(relative);
  if (!file) throw new Error(`no ${relative} in test/fixtures/data or ${SHARED}/data`);
  const bytes = fs.readFileSync(file);
  return (file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
}

/** Test options that skip a test whose data is neither in the fixtures nor in ../shared. */
export function needsData(...relatives: string[]): { skip?: string } {
  const missing = relatives.filter((r) => !locate(r));
  return missing.length ? { skip: `needs ${missing.join(', ')} from ../shared/data (not in the repository)` } : {};
}
