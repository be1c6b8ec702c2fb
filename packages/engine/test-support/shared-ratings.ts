/** The shared rating and basket sets as interactions, with the fixed splits of shared/data/splits. */
import fs from 'node:fs';
import path from 'node:path';
import { parseCsv } from '../src/frame/csv.js';
import { Interactions } from '../src/recommend/interactions.js';
import { SHARED } from './shared-tabular.js';

/** The row key of shared/data/splits/README.md (lowbias32 of the row index, seed 42). */
export function rowKey(i: number): number {
  let x = (Math.imul(i, 0x9e3779b9) + 42) >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** InstEval: students rate lecturers 1–5; the split's 80/20 rows. */
export function loadInstEval(): { all: Interactions; train: Interactions; test: Interactions; testRows: Int32Array } {
  const { header, rows } = parseCsv(
    fs.readFileSync(path.join(SHARED, 'data', 'ratings-insteval', 'ratings.csv'), 'utf8'),
  );
  const col = (name: string) => header.indexOf(name);
  const all = new Interactions(
    rows.map((r) => r[col('student')] as string),
    rows.map((r) => r[col('lecturer')] as string),
    rows.map((r) => Number(r[col('rating')])),
  );
  const split = JSON.parse(fs.readFileSync(path.join(SHARED, 'data', 'splits', 'insteval.json'), 'utf8')) as {
    test: number[];
  };
  const isTest = new Uint8Array(rows.length);
  for (const t of split.test) isTest[t] = 1;
  const trainRows = Int32Array.from({ length: rows.length }, (_, t) => t).filter((t) => !isTest[t]);
  const testRows = Int32Array.from(split.test);
  return { all, train: all.take(trainRows), test: all.take(testRows), testRows };
}
