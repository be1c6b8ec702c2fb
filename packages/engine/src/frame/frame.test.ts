import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Frame } from './frame.js';

describe('Frame', () => {
  const f = Frame.fromRecords(
    [
      { age: 31, plan: 'gold', review: 'great show' },
      { age: '', plan: 'free', review: null },
      { age: '47.5', plan: 'gold', review: 'meh' },
    ],
    { review: 'text' },
  );

  test('infers numeric and categorical kinds; missing values are NaN, -1 and null', () => {
    assert.equal(f.nRows, 3);
    assert.equal(f.kind('age'), 'numeric');
    assert.equal(f.kind('plan'), 'categorical');
    assert.equal(f.kind('review'), 'text');
    const age = f.column('age');
    assert.ok(age.kind === 'numeric' && Number.isNaN(age.values[1]) && age.values[2] === 47.5);
    const plan = f.column('plan');
    assert.ok(plan.kind === 'categorical');
    assert.deepEqual(plan.dictionary, ['gold', 'free']);
    assert.deepEqual(Array.from(plan.codes), [0, 1, 0]);
  });

  test('take, select and drop', () => {
    const t = f.take([2, 0]);
    const age = t.column('age');
    assert.ok(age.kind === 'numeric');
    assert.deepEqual(Array.from(age.values), [47.5, 31]);
    assert.deepEqual(f.select(['plan']).names, ['plan']);
    assert.deepEqual(f.drop(['plan']).names, ['age', 'review']);
    assert.throws(() => f.column('nope'), /no column "nope"/);
  });
});
