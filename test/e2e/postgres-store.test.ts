import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { logisticRegressionModel } from '../fixtures/onnx-models.ts';
import { startTestServer, storedRows, type TestServer } from '../harness/test-server.ts';

const ADMIN_URL = process.env.MARQUEE_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function reachable(): Promise<boolean> {
  const c = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
}

/**
 * --database-url: the metadata lives in PostgreSQL (nothing in the data folder but blobs),
 * migrated by the same steps, searched with tsvector, and kept across a restart. The
 * whole end-to-end suite also runs on PostgreSQL (npm run test:pg).
 */
describe('the PostgreSQL store', { skip: (await reachable()) ? false : `no PostgreSQL at ${ADMIN_URL}` }, () => {
  let t: TestServer;
  const name = `marquee_store_${process.pid}`;
  before(async () => {
    const c = new pg.Client({ connectionString: ADMIN_URL });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${name}`);
    await c.end();
    const url = new URL(ADMIN_URL);
    url.pathname = `/${name}`;
    t = await startTestServer({ databaseUrl: url.toString() });
  });
  after(async () => {
    await t.close();
    const c = new pg.Client({ connectionString: ADMIN_URL });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.end();
  });

  test('metadata in PostgreSQL, none in the data folder; the same migrations; kept across a restart', async () => {
    assert.ok(!fs.existsSync(path.join(t.dataDir, 'marquee.db')), 'no SQLite file');
    const migrations = await storedRows<{ name: string }>(t, 'SELECT name FROM kysely_migration ORDER BY name');
    assert.ok(migrations.length >= 15, `${migrations.length} migrations`);
    const [idType] = await storedRows<{ column_default: string }>(
      t,
      "SELECT column_default FROM information_schema.columns WHERE table_name = 'models' AND column_name = 'id'",
    );
    assert.match(idType?.column_default ?? '', /nextval/, 'ids are a sequence');
    await t.admin.createModel({
      owner: 'admin',
      name: 'kept',
      task: 'classification',
      visibility: 'public',
      description: '电影评论情感分析',
    });
    await t.admin.uploadVersion('admin/kept', logisticRegressionModel().bytes);
    await t.restart();
    const again = await t.admin.getModel('admin/kept');
    assert.equal(again.latestVersion, 1);
    const [owners] = await storedRows<{ n: number }>(t, 'SELECT count(*)::int AS n FROM owners');
    assert.ok((owners?.n ?? 0) >= 1);
  });

  test('versions uploaded at once are numbered one after another, none refused', async () => {
    // PostgreSQL runs these transactions side by side (the pool has ten connections);
    // each would read the same highest version without the lock on the model's row.
    await t.admin.createModel({ owner: 'admin', name: 'busy', task: 'classification' });
    const bytes = Array.from({ length: 12 }, (_, i) => logisticRegressionModel(10 + i).bytes);
    const made = await Promise.all(bytes.map((b) => t.admin.uploadVersion('admin/busy', b)));
    assert.deepEqual(
      made.map((v) => v.version).sort((a, b) => a - b),
      Array.from({ length: 12 }, (_, i) => i + 1),
    );
    await t.admin.createDataset({ owner: 'admin', name: 'busy' });
    const rows = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        t.admin.uploadDatasetVersion('admin/busy', new TextEncoder().encode(`x,y\n${i},1\n`), 'csv'),
      ),
    );
    assert.deepEqual(
      rows.map((v) => v.version).sort((a, b) => a - b),
      [1, 2, 3, 4, 5, 6, 7, 8],
    );
  });
});
