import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import type { MarqueeApiError } from '@marquee/client';
import { runCli } from '../harness/cli-process.ts';
import { fixtureFile } from '../harness/fixtures.ts';
import { assertNoInternals, http, startTestServer, type TestServer } from '../harness/test-server.ts';

const enc = new TextEncoder();

async function rejects(p: Promise<unknown>, status: number, detail: RegExp): Promise<MarqueeApiError> {
  try {
    await p;
  } catch (err) {
    const e = err as MarqueeApiError;
    assert.equal(e.status, status, e.message);
    assert.match(e.message, detail);
    assertNoInternals(JSON.stringify(e.body ?? e.message));
    return e;
  }
  assert.fail('expected a rejection');
}

describe('datasets', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ maxDatasetColumns: 100 });
    await t.admin.createDataset({ owner: 'admin', name: 'charts' });
  });
  after(() => t.close());

  test('a CSV upload is stored once, its schema inferred by DuckDB, and previewed', async () => {
    const bytes = fixtureFile('charts-billboard-2000/ranks_long.csv');
    const v1 = await t.admin.uploadDatasetVersion('admin/charts', bytes, 'csv');
    assert.equal(v1.version, 1);
    assert.equal(v1.rowCount, 5307);
    assert.deepEqual(
      v1.columns.map((c) => c.name),
      ['artist', 'track', 'date_entered', 'week', 'rank'],
    );
    const week = v1.columns.find((c) => c.name === 'week');
    assert.equal(week?.kind, 'numeric');
    assert.equal(week?.nulls, 0);
    assert.match(week?.type ?? '', /INT/);
    const artists = new Set(
      new TextDecoder()
        .decode(bytes)
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split('","')[0]),
    );
    const artist = v1.columns.find((c) => c.name === 'artist');
    assert.equal(artist?.kind, 'categorical');
    // DuckDB's approx_unique: a HyperLogLog estimate, within a few percent.
    assert.ok(Math.abs((artist?.distinct ?? 0) - artists.size) <= 0.05 * artists.size, `${artist?.distinct}`);
    // The same bytes again are the same version, not a second copy.
    const again = await t.admin.uploadDatasetVersion('admin/charts', bytes, 'csv');
    assert.equal(again.version, 1);
    assert.equal(again.sha256, v1.sha256);
    assert.equal((await t.admin.listDatasetVersions('admin/charts')).length, 1);
    const preview = await t.admin.previewDataset('admin/charts', 1, 3);
    assert.equal(preview.rows.length, 3);
    assert.equal(typeof preview.rows[0]?.week, 'number');
    assert.equal(preview.rows[0]?.artist, '2 Pac');
  });

  test('per-column summaries by DuckDB agree with the file counted here', async () => {
    const lines = new TextDecoder()
      .decode(fixtureFile('charts-billboard-2000/ranks_long.csv'))
      .trim()
      .split('\n')
      .slice(1);
    const weeks = lines.map((l) => Number(l.split(',').at(-2)));
    const artists = new Map<string, number>();
    for (const l of lines) {
      const a = l.split('","')[0]?.replace(/^"/, '') as string;
      artists.set(a, (artists.get(a) ?? 0) + 1);
    }
    const summary = await t.admin.datasetSummary('admin/charts', 1);
    const week = summary.find((c) => c.name === 'week');
    assert.ok(week && week.kind === 'numeric');
    assert.equal(week.min, Math.min(...weeks));
    assert.equal(week.max, Math.max(...weeks));
    assert.ok(Math.abs((week.mean ?? 0) - weeks.reduce((a, b) => a + b, 0) / weeks.length) < 1e-9);
    assert.equal(week.histogram.length, 20);
    assert.equal(
      week.histogram.reduce((a, b) => a + b.count, 0),
      weeks.length,
      'every row in one bin, the maximum included',
    );
    const artist = summary.find((c) => c.name === 'artist');
    assert.ok(artist && artist.kind !== 'numeric');
    const [topName, topCount] = [...artists].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0] as [
      string,
      number,
    ];
    assert.deepEqual(artist.top[0], { value: topName, count: topCount });
    assert.equal(
      (await http(t, 'GET', '/api/v1/datasets/admin/charts/versions/9/summary', { token: t.adminToken })).status,
      404,
    );
  });

  test('a folder of Parquet parts as Spark writes it (key=value folders, _SUCCESS, .crc) pushes as one version', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-spark-'));
    const out = path.join(dir, 'plays');
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    await c.run(
      `COPY (SELECT i AS user_id, i % 7 AS plays, ['drama', 'comedy', 'music'][i % 3 + 1] AS genre FROM range(300) t(i))
         TO '${out}' (FORMAT parquet, PARTITION_BY (genre), FILENAME_PATTERN 'part-{i}')`,
    );
    c.closeSync();
    fs.writeFileSync(path.join(out, '_SUCCESS'), '');
    fs.writeFileSync(path.join(out, 'genre=drama', '.part-0.parquet.crc'), 'not parquet');
    try {
      const r = await runCli(['datasets', 'push', out, '--name', 'admin/spark-plays'], {
        env: { MARQUEE_URL: t.url, MARQUEE_TOKEN: t.adminToken },
      });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /Read 3 Parquet parts/);
      const v = JSON.parse(r.stdout) as { rowCount: number; columns: Array<{ name: string }> };
      assert.equal(v.rowCount, 300);
      assert.deepEqual(v.columns.map((col) => col.name).sort(), ['genre', 'plays', 'user_id']);
      const summary = await t.admin.datasetSummary('admin/spark-plays', 1);
      const genre = summary.find((col) => col.name === 'genre');
      assert.ok(genre && genre.kind !== 'numeric');
      assert.deepEqual(
        genre.top.map((x) => x.count),
        [100, 100, 100],
        'the partition folders became a column',
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('JSON lines: numbers, categories and free text told apart', async () => {
    await t.admin.createDataset({ owner: 'admin', name: 'reviews' });
    const lines = Array.from({ length: 60 }, (_, i) =>
      JSON.stringify({
        stars: i % 5,
        genre: ['drama', 'comedy'][i % 2],
        review: `review number ${i} says the film was ${i % 3 ? 'fine' : 'great'}`,
        note: i % 7 ? null : 'x',
      }),
    ).join('\n');
    const v = await t.admin.uploadDatasetVersion('admin/reviews', enc.encode(lines), 'jsonl');
    const kinds = Object.fromEntries(v.columns.map((c) => [c.name, c.kind]));
    assert.deepEqual(kinds, { stars: 'numeric', genre: 'categorical', review: 'text', note: 'categorical' });
    assert.equal(v.columns.find((c) => c.name === 'note')?.nulls, 51);
  });

  test('Parquet: a file DuckDB wrote is read back with its types', async () => {
    const file = path.join(os.tmpdir(), `marquee-test-${process.pid}.parquet`);
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    await c.run(
      `COPY (SELECT i AS id, CAST(i * 0.5 AS DOUBLE) AS score, CASE WHEN i % 3 = 0 THEN 'a' ELSE 'b' END AS grp FROM range(1000) t(i)) TO '${file}' (FORMAT PARQUET)`,
    );
    c.closeSync();
    try {
      await t.admin.createDataset({ owner: 'admin', name: 'pq' });
      const v = await t.admin.uploadDatasetVersion('admin/pq', new Uint8Array(fs.readFileSync(file)), 'parquet');
      assert.equal(v.format, 'parquet');
      assert.equal(v.rowCount, 1000);
      assert.deepEqual(
        v.columns.map((col) => [col.name, col.type, col.kind]),
        [
          ['id', 'BIGINT', 'numeric'],
          ['score', 'DOUBLE', 'numeric'],
          ['grp', 'VARCHAR', 'categorical'],
        ],
      );
      const preview = await t.admin.previewDataset('admin/pq', 1, 2);
      assert.deepEqual(preview.rows, [
        { id: 0, score: 0, grp: 'a' },
        { id: 1, score: 0.5, grp: 'b' },
      ]);
    } finally {
      fs.rmSync(file, { force: true });
    }
  });

  test('malformed files get 400 with the line at fault, and no version is made', async () => {
    await t.admin.createDataset({ owner: 'admin', name: 'broken' });
    const ragged = enc.encode('a,b,c\n1,2,3\n4,5,6\n7,8\n9,10,11\n');
    const e = await rejects(
      t.admin.uploadDatasetVersion('admin/broken', ragged, 'csv'),
      400,
      /line 4 has 2 fields where the header has 3/,
    );
    assert.equal((e.body as { line?: number }).line, 4);
    await rejects(
      t.admin.uploadDatasetVersion(
        'admin/broken',
        Uint8Array.from([...enc.encode('a,b\n1,x\n2,caf'), 0xe9, 10]),
        'csv',
      ),
      400,
      /line 3 is not valid UTF-8/,
    );
    await rejects(t.admin.uploadDatasetVersion('admin/broken', enc.encode('"a,b\n1,2\n'), 'csv'), 400, /never closed/);
    await rejects(
      t.admin.uploadDatasetVersion('admin/broken', enc.encode('not parquet at all'), 'parquet'),
      400,
      /not a valid PARQUET file/,
    );
    await rejects(
      t.admin.uploadDatasetVersion('admin/broken', enc.encode('{"a": 1}\n{"a": '), 'jsonl'),
      400,
      /not a valid JSON lines file/,
    );
    const wide = enc.encode(`${Array.from({ length: 101 }, (_, i) => `c${i}`).join(',')}\n`);
    await rejects(t.admin.uploadDatasetVersion('admin/broken', wide, 'csv'), 400, /at most 100 are allowed/);
    const wrongType = await http(t, 'POST', '/api/v1/datasets/admin/broken/versions', {
      token: t.adminToken,
      headers: { 'content-type': 'application/pdf' },
      body: 'x',
    });
    assert.equal(wrongType.status, 415);
    assert.equal((await t.admin.listDatasetVersions('admin/broken')).length, 0);
  });

  test('an upload over the size limit is 413 and leaves nothing', async () => {
    const small = await startTestServer({ maxDatasetBytes: 1024 });
    try {
      await small.admin.createDataset({ owner: 'admin', name: 'big' });
      const big = enc.encode(`a,b\n${'1,2\n'.repeat(1000)}`);
      await rejects(small.admin.uploadDatasetVersion('admin/big', big, 'csv'), 413, /at most 1024 bytes/);
      assert.equal((await small.admin.listDatasetVersions('admin/big')).length, 0);
      assert.deepEqual(fs.readdirSync(path.join(small.dataDir, 'blobs', 'tmp')), []);
    } finally {
      await small.close();
    }
  });

  test('private datasets are invisible to others, who get 404', async () => {
    await t.admin.createUser('mallory', 'a long enough password');
    const mallory = t.client();
    await mallory.login('mallory', 'a long enough password');
    await rejects(mallory.getDataset('admin/charts'), 404, /no dataset admin\/charts/);
    await rejects(mallory.previewDataset('admin/charts', 1), 404, /no dataset/);
    await rejects(mallory.uploadDatasetVersion('admin/charts', enc.encode('a\n1\n'), 'csv'), 404, /no dataset/);
    await rejects(mallory.deleteDataset('admin/charts'), 404, /no dataset/);
    // Made public, others can read it but not change it.
    await t.admin.updateDataset('admin/charts', { visibility: 'public' });
    assert.equal((await mallory.getDataset('admin/charts')).latestVersion, 1);
    await rejects(
      mallory.updateDataset('admin/charts', { visibility: 'private' }),
      403,
      /cannot change dataset admin\/charts/,
    );
  });

  test('deleting a dataset removes its versions, and their files when nothing else uses them', async () => {
    await t.admin.createDataset({ owner: 'admin', name: 'gone' });
    const v = await t.admin.uploadDatasetVersion('admin/gone', enc.encode('a,b\n1,2\n3,4\n'), 'csv');
    const blob = path.join(t.dataDir, 'blobs', 'sha256', v.sha256.slice(0, 2), v.sha256);
    assert.ok(fs.existsSync(blob));
    await t.admin.deleteDataset('admin/gone');
    await rejects(t.admin.getDataset('admin/gone'), 404, /no dataset admin\/gone/);
    assert.equal(fs.existsSync(blob), false);
  });
});
