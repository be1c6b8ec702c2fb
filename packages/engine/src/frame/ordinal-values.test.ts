import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ordinalOrder } from './ordinal-values.js';

describe('ordinal values: categories written on one scale', () => {
  const cases: Array<[string, string[], string[]]> = [
    ['percentages', ['50%', '0%', '12.5%', '100%'], ['0%', '12.5%', '50%', '100%']],
    [
      'percentage ranges',
      ['11 - 20%', '1 - 10%', '0%', '21-50%', '> 50%'],
      ['0%', '1 - 10%', '11 - 20%', '21-50%', '> 50%'],
    ],
    ['numeric ranges', ['30-40', '18-29', '40–49', '50 to 64', '65+'], ['18-29', '30-40', '40–49', '50 to 64', '65+']],
    ['open bands with units', ['5k - 20k', '< 5k', '> 100k', '20k-100k'], ['< 5k', '5k - 20k', '20k-100k', '> 100k']],
    ['money bands', ['$1,000-$5,000', 'under $1,000', '$5,000+'], ['under $1,000', '$1,000-$5,000', '$5,000+']],
    ['thousands beside units', ['2k-3k', '1,500-2,000', '< 1,500'], ['< 1,500', '1,500-2,000', '2k-3k']],
    ['decimal commas', ['2,5%', '10%', '0,5%'], ['0,5%', '2,5%', '10%']],
    ['levels', ['Level 10', 'Level 2', 'Level 3', 'Level 1'], ['Level 1', 'Level 2', 'Level 3', 'Level 10']],
    ['tiers', ['tier 3', 'tier 1', 'tier 2'], ['tier 1', 'tier 2', 'tier 3']],
    ['a band beside its neighbours', ['< 5', '5', '5+', '5 - 10'], ['< 5', '5', '5 - 10', '5+']],
  ];
  for (const [what, values, order] of cases)
    test(what, () => {
      assert.deepEqual(ordinalOrder(values), order);
      assert.deepEqual(ordinalOrder([...values].reverse()), order, 'whatever order they come in');
    });

  test('not ordinal: names, mixed scales, plain numbers, one value, ties', () => {
    assert.equal(ordinalOrder(['free', 'basic', 'gold']), undefined);
    assert.equal(ordinalOrder(['Level 1', 'Tier 2']), undefined, 'two words');
    assert.equal(ordinalOrder(['Level 1', '20%']), undefined);
    assert.equal(ordinalOrder(['1', '2', '10']), undefined, 'plain numbers are a numeric column');
    assert.equal(ordinalOrder(['5%']), undefined);
    assert.equal(ordinalOrder(['5%', ' 5%']), undefined, 'two spellings of one place');
    assert.equal(ordinalOrder(['10-5', '20-30']), undefined, 'a backwards range');
    assert.equal(ordinalOrder(['A1', 'B2']), undefined, 'codes');
  });
});
