import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { openSqliteDatabase } from '../store/database.js';
import { FacetCounts } from './facet-counts.js';
import { type ListingFields, MarketStore } from './market-store.js';

describe('FacetCounts: facet counts from an in-memory copy kept in step with the store', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-facets-'));
  const db = await openSqliteDatabase(dir);
  after(async () => {
    await db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const now = new Date().toISOString();
  await db.insertInto('owners').values({ name: 'ann', kind: 'user', created_at: now }).execute();
  const fields = (task: string, tags: string[]): ListingFields => ({
    owner_id: 1,
    owner: 'ann',
    name: `m-${task}`,
    task,
    license: 'MIT',
    tags: JSON.stringify(tags),
    description: '',
    visibility: 'public',
  });
  for (const [id, task, tags] of [
    [1, 'sentiment', ['reviews', 'zh']],
    [2, 'sentiment', ['reviews']],
    [3, 'classification', ['churn']],
  ] as const) {
    await db
      .insertInto('models')
      .values({
        owner_id: 1,
        name: `m${id}`,
        task,
        visibility: 'public',
        description: '',
        tags: '[]',
        license: 'MIT',
        created_at: now,
        updated_at: now,
      })
      .execute();
    await new MarketStore(db).putListing(id, fields(task, [...tags]), { version: 1, metrics: {}, by: 1 });
  }
  // Two nodes: one writes, the other counts.
  const writer = new MarketStore(db);
  const counts = new FacetCounts(new MarketStore(db));

  test('counts only the given listings, most frequent first, then by value', async () => {
    const all = await counts.count([1, 2, 3]);
    assert.deepEqual(all.task, [
      { value: 'sentiment', count: 2 },
      { value: 'classification', count: 1 },
    ]);
    assert.deepEqual(all.tag, [
      { value: 'reviews', count: 2 },
      { value: 'churn', count: 1 },
      { value: 'zh', count: 1 },
    ]);
    assert.deepEqual(all.owner, [{ value: 'ann', count: 3 }]);
    const some = await counts.count([3]);
    assert.deepEqual(some.tag, [{ value: 'churn', count: 1 }]);
    assert.deepEqual((await counts.count([])).task, []);
  });

  test("another node's change is seen at the next count (the revision moved)", async () => {
    await writer.refreshListing(2, fields('regression', ['charts']));
    const after1 = await counts.count([1, 2, 3]);
    assert.deepEqual(
      after1.task.map((f) => [f.value, f.count]),
      [
        ['classification', 1],
        ['regression', 1],
        ['sentiment', 1],
      ],
    );
    await writer.deleteListing(3);
    const after2 = await counts.count([1, 2, 3]);
    assert.equal(
      after2.tag.find((f) => f.value === 'churn'),
      undefined,
      'an unpublished listing has no facets',
    );
  });
});
