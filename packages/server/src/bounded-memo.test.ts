import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BoundedMemo } from './bounded-memo.js';

test('a memo computes a key once, keeps at most its limit, and skips long keys and failures', () => {
  const calls: string[] = [];
  const memo = new BoundedMemo(
    (k: string) => {
      calls.push(k);
      if (k === 'bad') throw new Error('no');
      return k === 'none' ? undefined : `<${k}>`;
    },
    3,
    5,
  );
  assert.equal(memo.get('a'), '<a>');
  assert.equal(memo.get('a'), '<a>');
  assert.deepEqual(calls, ['a']);
  memo.get('b');
  memo.get('c');
  assert.equal(memo.size, 3);
  // Full: the next new key starts the memo afresh.
  memo.get('d');
  assert.equal(memo.size, 1);
  memo.get('a');
  assert.deepEqual(calls, ['a', 'b', 'c', 'd', 'a']);
  // Too long to keep, an undefined answer, a thrown error: computed every time.
  memo.get('longer');
  memo.get('longer');
  memo.get('none');
  memo.get('none');
  assert.throws(() => memo.get('bad'), /no/);
  assert.throws(() => memo.get('bad'), /no/);
  assert.deepEqual(calls.slice(5), ['longer', 'longer', 'none', 'none', 'bad', 'bad']);
  assert.equal(memo.size, 2);
});
