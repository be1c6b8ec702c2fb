import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

/** The repository's own test data (test/fixtures/data; sources and licences in its README). */
export const FIXTURES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/data');

/** A fixture's bytes; `name.gz` is read and unpacked when only the compressed file is kept. */
export function fixtureFile(name: string): Uint8Array {
  const file = path.join(FIXTURES_DIR, name);
  if (!fs.existsSync(file) && fs.existsSync(`${file}.gz`))
    return new Uint8Array(gunzipSync(fs.readFileSync(`${file}.gz`)));
  return new Uint8Array(fs.readFileSync(file));
}
