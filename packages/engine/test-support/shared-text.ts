/** The shared text sets as frames: Amazon fine food's given train/test files. */
import fs from 'node:fs';
import path from 'node:path';
import { parseCsv } from '../src/frame/csv.js';
import { Frame } from '../src/frame/frame.js';
import { SHARED } from './shared-tabular.js';

function csvFrame(file: string): Frame {
  const { header, rows } = parseCsv(fs.readFileSync(file, 'utf8'));
  const records = rows.map((r) => Object.fromEntries(header.map((h, j) => [h, r[j] ?? null])));
  return Frame.fromRecords(records, { review: 'text', score: 'categorical', product: 'categorical' });
}

/** Reviews (`review`) with their `score` class ("positive"/"other"…), as the files give them. */
export function loadAmazonFineFood(): { train: Frame; test: Frame } {
  const dir = path.join(SHARED, 'data', 'reviews-amazon-fine-food');
  return { train: csvFrame(path.join(dir, 'train.csv')), test: csvFrame(path.join(dir, 'test.csv')) };
}
