/** The shared text sets as frames: Amazon fine food's given train/test files. */
import { parseCsv } from '../src/frame/csv.js';
import { Frame } from '../src/frame/frame.js';
import { dataText } from './data-files.js';

function csvFrame(file: string): Frame {
  const { header, rows } = parseCsv(dataText(file));
  const records = rows.map((r) => Object.fromEntries(header.map((h, j) => [h, r[j] ?? null])));
  return Frame.fromRecords(records, { review: 'text', score: 'categorical', product: 'categorical' });
}

/** Reviews (`review`) with their `score` class ("positive"/"other"…), as the files give them. */
export function loadAmazonFineFood(): { train: Frame; test: Frame } {
  const dir = 'reviews-amazon-fine-food';
  return { train: csvFrame(`${dir}/train.csv`), test: csvFrame(`${dir}/test.csv`) };
}

/** A UCI sentence set (amazon, imdb, yelp): `text` and `label` ("0"/"1"), with its fixed 10 folds. */
export function loadUciSentences(name: 'amazon' | 'imdb' | 'yelp'): { frame: Frame; folds: number[] } {
  const rows = dataText(`sentiment-uci-sentences/${name}.jsonl`)
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { text: string; label: number });
  const spec = JSON.parse(dataText(`splits/uci-${name}.folds.json`)) as {
    folds: number[];
  };
  const frame = Frame.fromRecords(
    rows.map((r) => ({ text: r.text, label: String(r.label) })),
    { text: 'text', label: 'categorical' },
  );
  return { frame, folds: spec.folds };
}
