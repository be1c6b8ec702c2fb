// npm run test:pg — the end-to-end suites again, each test server on a fresh PostgreSQL
// database (MARQUEE_TEST_DATABASE_URL, default the local server's `test` database).
// Without a reachable PostgreSQL it says so and stops with an error: CI has one.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';

const url = process.env.MARQUEE_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const probe = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
try {
  await probe.connect();
  await probe.end();
} catch (err) {
  console.error(`test:pg needs PostgreSQL at ${url.replace(/\/\/[^@]*@/, '//')}: ${err.message}`);
  process.exit(1);
}
const files = fs
  .readdirSync('test/e2e')
  .filter((f) => f.endsWith('.test.ts'))
  .map((f) => path.join('test/e2e', f))
  .sort();
const r = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=180000', ...files],
  { stdio: 'inherit', env: { ...process.env, MARQUEE_TEST_DATABASE_URL: url } },
);
process.exit(r.status ?? 1);
