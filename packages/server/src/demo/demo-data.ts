import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { parseCsv } from '@marquee/engine';
import { csvField } from '../datasets/frame-csv.js';

/**
 * The small permissive data sets the repository ships (test/fixtures/data, sources and
 * licences in its README), shaped into the demo's datasets.
 */
export const DEMO_DATA_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../../test/fixtures/data',
);

function read(relative: string): string {
  const file = path.join(DEMO_DATA_DIR, relative);
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8');
  return gunzipSync(fs.readFileSync(`${file}.gz`)).toString('utf8');
}

const jsonl = (rows: object[]) => `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`;

/** UCI sentences (Amazon, IMDb, Yelp; Kotzias et al. 2015): `{text, label, source}`, label positive or negative. */
export function englishSentences(): string {
  const rows: object[] = [];
  for (const source of ['amazon', 'imdb', 'yelp']) {
    for (const line of read(`sentiment-uci-sentences/${source}.jsonl`).trim().split('\n')) {
      const r = JSON.parse(line) as { text: string; label: number };
      rows.push({ text: r.text.trim(), label: r.label === 1 ? 'positive' : 'negative', source });
    }
  }
  return jsonl(rows);
}

/** Chinese reviews of films, series, music and games, written for Marquee: `{text, label}`. */
export function chineseReviews(): string {
  return read('sentiment-zh/reviews.jsonl');
}

/** Viewers' film ratings from a planted model (synthetic; see the fixture's README). */
export function filmRatings(): string {
  return read('ratings-planted/ratings.csv');
}

/**
 * The Billboard Hot 100 of 2000 as an event log: each artist (the "user") charting a
 * track in a week, typed top10 / top40 / chart, worth 101 − rank.
 */
export function chartEvents(): string {
  const { header, rows } = parseCsv(read('charts-billboard-2000/ranks_long.csv'));
  const at = (name: string) => header.indexOf(name);
  const lines = ['user,item,event,timestamp,value'];
  for (const r of rows) {
    const rank = Number(r[at('rank')]);
    const ts = Date.parse(`${r[at('date_entered')]}T00:00:00Z`) + (Number(r[at('week')]) - 1) * 7 * 86_400_000;
    const event = rank <= 10 ? 'top10' : rank <= 40 ? 'top40' : 'chart';
    lines.push(
      [
        csvField(r[at('artist')] as string),
        csvField(r[at('track')] as string),
        event,
        new Date(ts).toISOString().slice(0, 19),
        101 - rank,
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}
