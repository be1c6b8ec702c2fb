import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TermCounts } from './term-counts.js';

describe('TermCounts', () => {
  test('counts per document in first-seen order, and starts afresh after take', () => {
    const counter = new TermCounts();
    for (const id of [7, 3, 7, 5000, 3, 7]) counter.add(id);
    assert.deepEqual(counter.take(), { ids: Int32Array.from([7, 3, 5000]), counts: Int32Array.from([3, 2, 1]) });
    counter.add(3);
    assert.deepEqual(counter.take(), { ids: Int32Array.from([3]), counts: Int32Array.from([1]) });
    assert.deepEqual(counter.take(), { ids: new Int32Array(0), counts: new Int32Array(0) });
  });

  test('ids far past its first size (it grows and keeps the counts so far)', () => {
    const counter = new TermCounts();
    counter.add(1);
    counter.add(1_000_000);
    counter.add(1);
    assert.deepEqual(counter.take(), { ids: Int32Array.from([1, 1_000_000]), counts: Int32Array.from([2, 1]) });
  });
});
