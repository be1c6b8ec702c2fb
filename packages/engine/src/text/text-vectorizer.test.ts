import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { csrToDense } from '../linalg/csr-matrix.js';
import { forEachTerm, wordTokens } from './analyzers.js';
import { murmurhash3 } from './murmurhash3.js';
import { TextVectorizer } from './text-vectorizer.js';

function terms(text: string, analyzer: 'word' | 'char_wb' | 'char', minN: number, maxN: number): string[] {
  const out: string[] = [];
  forEachTerm(text, analyzer, minN, maxN, (t) => out.push(t));
  return out;
}

describe('analyzers', () => {
  it("word tokens follow scikit-learn's pattern: two or more word characters, Unicode letters", () => {
    assert.deepEqual(wordTokens("a cat's café, x_y 42 I 7"), ['cat', 'café', 'x_y', '42']);
  });

  it('word n-grams are joined by one space, unigrams first', () => {
    assert.deepEqual(terms('no more bad days', 'word', 1, 2), [
      'no',
      'more',
      'bad',
      'days',
      'no more',
      'more bad',
      'bad days',
    ]);
  });

  it('char_wb pads each word with a space and counts a short word once', () => {
    assert.deepEqual(terms('ab', 'char_wb', 2, 3), [' a', 'ab', 'b ', ' ab', 'ab ']);
    assert.deepEqual(terms('a', 'char_wb', 3, 5), [' a ']);
    assert.deepEqual(terms('hi  yo', 'char_wb', 4, 4), [' hi ', ' yo ']);
  });

  it('char n-grams run across words with whitespace runs collapsed', () => {
    assert.deepEqual(terms('ab  c', 'char', 2, 2), ['ab', 'b ', ' c']);
  });

  it('Chinese and Japanese with no spaces become character tokens, no dictionary', () => {
    assert.deepEqual(wordTokens('这部电影很好看！'), ['这', '部', '电', '影', '很', '好', '看']);
    assert.deepEqual(wordTokens('iPhone很好用'), ['iPhone', '很', '好', '用']);
    // The prolonged sound mark belongs to Katakana words (its script extensions say so).
    assert.deepEqual(wordTokens('コーヒー最高'), ['コ', 'ー', 'ヒ', 'ー', '最', '高']);
    assert.deepEqual(terms('好看', 'word', 1, 2), ['好', '看', '好 看']);
  });
});

describe('murmurhash3', () => {
  it('gives the reference x86 32-bit values', () => {
    assert.equal(murmurhash3(''), 0);
    assert.equal(murmurhash3('', 1) >>> 0, 0x514e28b7);
    assert.equal(murmurhash3('The quick brown fox jumps over the lazy dog') >>> 0, 0x2e4ff723);
    // scikit-learn's docstring: murmurhash3_32(b"Hello World!", seed=42) == 3565178
    assert.equal(murmurhash3('Hello World!', 42), 3565178);
  });
});

describe('TextVectorizer', () => {
  const docs = ['The cat sat', 'the cat sat on the mat', 'dogs', null];

  it('builds a sorted vocabulary and TF-IDF rows as scikit-learn does (smooth idf, sublinear tf, l2)', () => {
    const v = new TextVectorizer({ sublinearTf: true }).fit(docs);
    assert.deepEqual(v.vocabulary, ['cat', 'dogs', 'mat', 'on', 'sat', 'the']);
    // n = 4 documents (the missing one is empty); df: cat 2, dogs 1, mat 1, on 1, sat 2, the 2.
    const idf2 = Math.log(5 / 3) + 1;
    const idf1 = Math.log(5 / 2) + 1;
    assert.deepEqual(Array.from(v.idf), [idf2, idf1, idf1, idf1, idf2, idf2]);
    const x = csrToDense(v.transform(docs));
    const r0 = [idf2, 0, 0, 0, idf2, idf2];
    const the = (1 + Math.log(2)) * idf2;
    const r1 = [idf2, 0, idf1, idf1, idf2, the];
    const unit = (r: number[]) => {
      const norm = Math.hypot(...r);
      return r.map((a) => a / norm);
    };
    const expected = [...unit(r0), ...unit(r1), 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    for (const [i, a] of x.data.entries()) {
      assert.ok(Math.abs(a - (expected[i] as number)) < 1e-12, `element ${i}: ${a}`);
    }
  });

  it('counts without idf or norm, as CountVectorizer; unknown terms are dropped', () => {
    const v = new TextVectorizer({ useIdf: false, norm: 'none' }).fit(docs);
    const x = v.transform(['the the zebra cat']);
    assert.deepEqual(Array.from(csrToDense(x).data), [1, 0, 0, 0, 0, 2]);
  });

  it('minDf, maxDf and maxFeatures trim the vocabulary', () => {
    assert.deepEqual(new TextVectorizer({ minDf: 2 }).fit(docs).vocabulary, ['cat', 'sat', 'the']);
    assert.deepEqual(new TextVectorizer({ maxDf: 0.4 }).fit(docs).vocabulary, ['dogs', 'mat', 'on']);
    assert.deepEqual(new TextVectorizer({ maxFeatures: 2 }).fit(docs).vocabulary, ['cat', 'the']);
  });

  it('hashing needs no vocabulary and puts each term in its murmurhash column', () => {
    const v = new TextVectorizer({ hashFeatures: 16, useIdf: false, norm: 'none' }).fit(docs);
    assert.equal(v.vocabulary.length, 0);
    const x = csrToDense(v.transform(['cat cat']));
    const col = Math.abs(murmurhash3('cat')) % 16;
    assert.equal(x.data[col], 2);
    assert.equal(
      x.data.reduce((a, b) => a + b, 0),
      2,
    );
  });

  it('round-trips through its state and refuses bad params', () => {
    const v = new TextVectorizer({ analyzer: 'char_wb', ngramRange: [2, 4] }).fit(docs);
    const again = TextVectorizer.fromState(JSON.parse(JSON.stringify(v.state())));
    assert.deepEqual(again.transform(docs), v.transform(docs));
    assert.throws(() => new TextVectorizer({ ngramRange: [3, 2] }), /ngramRange/);
    assert.throws(() => new TextVectorizer({ analyzer: 'words' as 'word' }), /analyzer/);
    assert.throws(() => new TextVectorizer({ stopWords: [] } as object), /no parameter "stopWords"/);
  });
});
