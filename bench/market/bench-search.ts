/**
 * npm run bench:search — marketplace search over 10,000 published listings (BENCH_LISTINGS),
 * timed at the service (full text + facets + total + page, the answer's views; HTTP not
 * included). Prints p50 and p99 per kind of query against the goal p50 ≤ 20 ms, beside a
 * naive baseline measured in the same run: one LIKE scan over names and descriptions
 * counting the matches, with no ranking, facets or page.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { FacetCounts } from '../../packages/server/src/market/facet-counts.ts';
import { ListingSearch } from '../../packages/server/src/market/listing-search.ts';
import { MarketStore } from '../../packages/server/src/market/market-store.ts';
import { openSqliteDatabase } from '../../packages/server/src/store/database.ts';
import { SqliteFts5Index } from '../../packages/server/src/store/full-text/sqlite-fts5-index.ts';

const N = Number(process.env.BENCH_LISTINGS ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 200);
const WORDS = [
  'movie',
  'music',
  'rating',
  'churn',
  'review',
  'sentiment',
  'playlist',
  'game',
  'player',
  'ticket',
  'genre',
  'drama',
  'comedy',
  'album',
  'artist',
  'session',
  'retention',
  'forest',
  'boosting',
  'matrix',
];
const ZH = ['情感分析', '推荐系统', '用户流失', '电影评分', '音乐推荐', '游戏玩家'];
const TASKS = ['classification', 'regression', 'recommendation', 'sentiment'];
const LICENSES = ['MIT', 'Apache-2.0', 'CC-BY-4.0', 'GPL-3.0-only'];

let seed = 7;
const rand = () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
};
const pick = <T>(a: T[]) => a[Math.floor(rand() * a.length)] as T;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-bench-search-'));
const db = await openSqliteDatabase(dir);
const store = new MarketStore(db);
const now = new Date().toISOString();
console.log(`building ${N} listings…`);
await db.insertInto('owners').values({ name: 'bench', kind: 'user', created_at: now }).execute();
const docs: Array<{ id: number; name: string; tags: string; description: string; body: string }> = [];
for (let i = 1; i <= N; i++) {
  const words = Array.from({ length: 12 }, () => pick(WORDS));
  const tags = [pick(WORDS), pick(WORDS), ...(i % 5 === 0 ? [pick(ZH)] : [])];
  const name = `${pick(WORDS)}-${pick(WORDS)}-${i}`;
  const description = `${words.slice(0, 6).join(' ')}${i % 5 === 0 ? ` ${pick(ZH)}` : ''}`;
  await db
    .insertInto('models')
    .values({
      owner_id: 1,
      name,
      task: pick(TASKS),
      visibility: i % 10 === 0 ? 'private' : 'public',
      description,
      tags: JSON.stringify(tags),
      license: pick(LICENSES),
      created_at: now,
      updated_at: now,
    })
    .execute();
  const body = `# ${name}\n\n${words.join(' ')}\n\n## Intended use\n\n${Array.from({ length: 40 }, () => pick(WORDS)).join(' ')}`;
  await store.putListing(
    i,
    {
      owner_id: 1,
      owner: 'bench',
      name,
      task: pick(TASKS),
      license: pick(LICENSES),
      tags: JSON.stringify(tags),
      description,
      visibility: i % 10 === 0 ? 'private' : 'public',
    },
    { version: 1, metrics: { accuracy: rand() }, by: 1 },
  );
  await store.setListingStats(i, {
    likes: Math.floor(rand() * 100),
    downloads: Math.floor(rand() * 1000),
    trending: rand() * 50,
  });
  docs.push({ id: i, name: `${name} bench`, tags: tags.join(' '), description, body });
}
const text = new SqliteFts5Index(db, 'listing_text', async () => docs);
await text.init();
const search = new ListingSearch(db, text, new FacetCounts(store));
const viewer = { userId: 99, username: 'x', isAdmin: false, scopes: new Set(['read'] as const), tokenId: 't' };

const cases: Array<[string, Parameters<ListingSearch['search']>[1]]> = [
  ['one word', { q: 'movie', page: 1, limit: 20 }],
  ['two words', { q: 'music rating', page: 1, limit: 20 }],
  ['prefix', { q: 'senti', page: 1, limit: 20 }],
  ['chinese', { q: '情感', page: 1, limit: 20 }],
  ['word + facets', { q: 'game', task: 'classification', license: 'MIT', page: 1, limit: 20 }],
  ['no words, trending', { page: 1, limit: 20 }],
  ['tag, by metric', { tag: 'drama', sort: 'metric:accuracy', page: 3, limit: 20 }],
];

const ms = (xs: number[], q: number) => xs[Math.min(xs.length - 1, Math.floor(q * xs.length))] as number;
async function time(fn: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < 5; i++) await fn();
  const t: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const s = performance.now();
    await fn();
    t.push(performance.now() - s);
  }
  return t.sort((a, b) => a - b);
}

console.log(`\nsearch over ${N} listings, ${RUNS} runs each (ms)\n`);
console.log('query                  total   p50     p99     | LIKE scan p50  ratio');
const pooled: number[] = [];
for (const [label, q] of cases) {
  const total = (await search.search(viewer, q)).total;
  const t = await time(() => search.search(viewer, q));
  pooled.push(...t);
  // Baseline: the naive way — LIKE over name, description and card, no index.
  const like = `%${(q.q ?? '').split(' ')[0]}%`;
  const b = await time(() =>
    sql`SELECT count(*) AS n FROM listings WHERE name LIKE ${like} OR description LIKE ${like}`.execute(db),
  );
  console.log(
    `${label.padEnd(22)} ${String(total).padStart(5)}  ${ms(t, 0.5).toFixed(2).padStart(6)}  ${ms(t, 0.99).toFixed(2).padStart(6)}  | ${ms(b, 0.5).toFixed(2).padStart(8)}  ${(ms(t, 0.5) / ms(b, 0.5)).toFixed(1).padStart(6)}`,
  );
}
// Every run of every query, one after another (a search at a time, as one connection serves them).
const all = pooled.sort((a, b) => a - b);
console.log(
  `\nall queries: p50 ${ms(all, 0.5).toFixed(2)} ms, p99 ${ms(all, 0.99).toFixed(2)} ms (goal p50 ≤ 20 ms: ${ms(all, 0.5) <= 20 ? 'met' : 'NOT met'})`,
);
await db.destroy();
fs.rmSync(dir, { recursive: true, force: true });
