import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runOnnx } from '../../test-support/run-onnx.js';
import type { DenseMatrix } from '../linalg/dense-matrix.js';
import { learnerToOnnx } from '../onnx/learner-export.js';
import { TextVectorizer } from '../text/text-vectorizer.js';
import { loadLearner } from './learner-registry.js';
import { binarize, NbSvm, nbLogCountRatio } from './nb-svm.js';

describe('NbSvm (naive Bayes log-count ratios + a linear model)', () => {
  test('the ratios are the naive Bayes log-count ratios of presence, computed by hand', () => {
    // Features present: row 0 {0,1}, row 1 {0}, row 2 {2}, row 3 {1,2}; rows 0 and 1 positive.
    const x: DenseMatrix = { rows: 4, cols: 3, data: Float64Array.from([1, 3, 0, 2, 0, 0, 0, 0, 1, 0, 5, 1]) };
    // alpha = 1: p = 1 + [2, 1, 0] = [3, 2, 1] (sum 6); q = 1 + [0, 1, 2] = [1, 2, 3] (sum 6).
    const r = nbLogCountRatio(binarize(x), [1, 1, 0, 0], 1);
    assert.deepEqual(Array.from(r), [Math.log(3), 0, Math.log(1 / 3)]);
    // The fitted weights on a feature with r = 0 are 0; presence, not counts, matters.
    const m = new NbSvm().fit(x, [1, 1, 0, 0]);
    assert.equal(m.coef[1], 0);
    const scaled: DenseMatrix = { ...x, data: x.data.map((v) => v * 7) };
    assert.deepEqual(m.predictProba(scaled), m.predictProba(x));
    assert.deepEqual(Array.from(m.predict(x)), [1, 1, 0, 0]);
  });

  test('separates short reviews, three classes one-vs-rest, exported to ONNX alike', async () => {
    const docs = [
      'great fun film',
      'great acting great plot',
      'loved it great',
      'dull boring film',
      'boring plot dull acting',
      'hated it boring',
      'okay film average',
      'average plot okay',
      'it was okay',
    ];
    const y = [0, 0, 0, 1, 1, 1, 2, 2, 2];
    const v = new TextVectorizer();
    const x = v.fitTransform(docs);
    const m = new NbSvm({ C: 10 }).fit(x, y);
    assert.deepEqual(Array.from(m.predict(v.transform(['great plot', 'so boring', 'average okay']))), [0, 1, 2]);
    const dense: DenseMatrix = { rows: x.rows, cols: x.cols, data: new Float64Array(x.rows * x.cols) };
    for (let i = 0; i < x.rows; i++) {
      for (let q = x.indptr[i] as number; q < (x.indptr[i + 1] as number); q++) {
        dense.data[i * x.cols + (x.indices[q] as number)] = x.data[q] as number;
      }
    }
    const out = await runOnnx(learnerToOnnx(m), dense);
    assert.deepEqual(Array.from(out.label?.data as BigInt64Array, Number), Array.from(m.predict(dense)));
    const want = m.predictProba(dense);
    const got = out.probabilities?.data as Float32Array;
    for (let i = 0; i < got.length; i++) assert.ok(Math.abs((got[i] as number) - (want[i] as number)) < 1e-4);
    assert.deepEqual(loadLearner(m.toArtifact()).predict(dense), m.predict(dense));
    assert.throws(() => new NbSvm({ base: 'tree' as 'svm' }), /base must be logistic or svm/);
  });
});
