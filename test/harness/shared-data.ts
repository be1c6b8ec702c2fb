import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The shared data folder (../shared next to the repository, or MARQUEE_SHARED_DIR). */
export const SHARED_DIR =
  process.env.MARQUEE_SHARED_DIR ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared');

export function sharedFile(relative: string): Uint8Array {
  return new Uint8Array(fs.readFileSync(path.join(SHARED_DIR, 'data', relative)));
}
