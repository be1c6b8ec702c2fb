import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Rng } from '../random/rng.js';
import { forEachTerm, forEachTermSpan } from './analyzers.js';
import { TermTable } from './term-table.js';

describe('TermTable', () => {
  test('ids in first-seen order, a term found by its code units wherever it sits', () => {
    const table = new TermTable();
    assert.equal(table.idOf('hello world', 6, 5), 0);
    assert.equal(table.idOf(' hello ', 1, 5), 1);
    assert.equal(table.idOf('world', 0, 5), 0);
    assert.equal(table.idOf('xhellox', 1, 5), 1);
    assert.equal(table.idOf('hell', 0, 4), 2, 'a prefix is a term of its own');
    assert.equal(table.idOf('', 0, 0), 3, 'so is the empty span');
    assert.deepEqual(table.terms, ['world', 'hello', 'hell', '']);
  });

  test('as a Map would intern them, through growth and rehashing', () => {
    const rng = new Rng(4);
    const table = new TermTable();
    const map = new Map<string, number>();
    const alphabet = 'ab cdé漢字ø';
    for (let i = 0; i < 60_000; i++) {
      const length = 1 + Math.floor(rng.next() * 6);
      let s = '';
      for (let k = 0; k < length + 2; k++) s += alphabet[Math.floor(rng.next() * alphabet.length)];
      const term = s.substr(1, length);
      if (!map.has(term)) map.set(term, map.size);
      assert.equal(table.idOf(s, 1, length), map.get(term), term);
    }
    assert.deepEqual(table.terms, [...map.keys()]);
  });
});

describe('forEachTermSpan', () => {
  const texts = ['The quick  brown fox, a b.', 'naïve café 😀 emoji! 漢字かな', 'x', '  padded\ttabs\n new-lines  '];
  for (const analyzer of ['word', 'char', 'char_wb'] as const) {
    for (const [minN, maxN] of [
      [1, 1],
      [2, 5],
    ] as const) {
      test(`${analyzer} ${minN}-${maxN}: the terms of forEachTerm, in order`, () => {
        for (const text of texts) {
          const want: string[] = [];
          forEachTerm(text, analyzer, minN, maxN, (t) => want.push(t));
          const got: string[] = [];
          forEachTermSpan(text, analyzer, minN, maxN, (source, from, length) => {
            assert.ok(from + length <= source.length, 'a span inside its source');
            got.push(source.substr(from, length));
          });
          assert.deepEqual(got, want, text);
        }
      });
    }
  }
});
