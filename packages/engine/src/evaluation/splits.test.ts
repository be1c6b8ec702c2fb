import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Rng } from '../random/rng.js';
import { stratifiedKFold, stratifiedSplit } from './splits.js';

const labels = [...new Array(60).fill(0), ...new Array(30).fill(1), ...new Array(10).fill(2)];

describe('splits', () => {
  test('stratified split keeps each class share, covers every row once, and is seeded', () => {
    const { train, test: held } = stratifiedSplit(labels, 0.2, 42);
    assert.equal(held.length, 12 + 6 + 2);
    assert.equal(train.length + held.length, labels.length);
    assert.equal(new Set([...train, ...held]).size, labels.length);
    const count = (rows: Int32Array, c: number) => Array.from(rows).filter((r) => labels[r] === c).length;
    assert.deepEqual(
      [0, 1, 2].map((c) => count(held, c)),
      [12, 6, 2],
    );
    assert.deepEqual(stratifiedSplit(labels, 0.2, 42), stratifiedSplit(labels, 0.2, 42));
    assert.notDeepEqual(stratifiedSplit(labels, 0.2, 42).test, stratifiedSplit(labels, 0.2, 43).test);
  });

  test('stratified k-fold: disjoint test folds covering all rows, classes spread evenly', () => {
    const folds = stratifiedKFold(labels, 5, 1);
    assert.equal(folds.length, 5);
    const seen = new Int32Array(labels.length);
    for (const f of folds) {
      for (const r of f.test) seen[r] = (seen[r] as number) + 1;
      assert.equal(f.train.length + f.test.length, labels.length);
      const c2 = Array.from(f.test).filter((r) => labels[r] === 2).length;
      assert.equal(c2, 2);
      assert.equal(f.test.length, 20);
    }
    assert.ok(seen.every((v) => v === 1));
  });

  test('the generator is deterministic and uniform enough', () => {
    const a = new Rng(7);
    const b = new Rng(7);
    for (let i = 0; i < 100; i++) assert.equal(a.nextUint32(), b.nextUint32());
    const r = new Rng(1);
    const buckets = new Int32Array(10);
    for (let i = 0; i < 100_000; i++) {
      const b = r.int(10);
      buckets[b] = (buckets[b] as number) + 1;
    }
    for (const n of buckets) assert.ok(Math.abs(n - 10_000) < 500, `bucket ${n}`);
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < 100_000; i++) {
      const z = r.normal();
      sum += z;
      sq += z * z;
    }
    assert.ok(Math.abs(sum / 100_000) < 0.02);
    assert.ok(Math.abs(sq / 100_000 - 1) < 0.03);
  });
});
