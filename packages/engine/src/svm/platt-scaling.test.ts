import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { couplePairwise, fitPlatt, plattProbability } from './platt-scaling.js';

describe('Platt scaling and pairwise coupling', () => {
  test('coupling consistent pairwise probabilities gives back the class probabilities', () => {
    const p = [0.5, 0.3, 0.2];
    const k = 3;
    const r = new Float64Array(9);
    for (let i = 0; i < k; i++)
      for (let j = 0; j < k; j++) if (i !== j) r[i * k + j] = (p[i] as number) / ((p[i] as number) + (p[j] as number));
    const got = couplePairwise(r, k);
    p.forEach((v, i) => {
      assert.ok(Math.abs((got[i] as number) - v) < 1e-3, `${got[i]} vs ${v}`);
    });
  });

  test('Platt scaling is increasing in the decision value and calibrated on balanced data', () => {
    // Decision values −2..2; positives mostly above 0.
    const f = Float64Array.from({ length: 200 }, (_, i) => (i - 100) / 50);
    const pos = Uint8Array.from(f, (v, i) => (v > 0 ? (i % 10 === 0 ? 0 : 1) : i % 10 === 0 ? 1 : 0));
    const { A, B } = fitPlatt(f, pos);
    assert.ok(A < 0, 'larger decision values mean more likely positive');
    assert.ok(Math.abs(plattProbability(0, A, B) - 0.5) < 0.05);
    assert.ok(plattProbability(2, A, B) > 0.85);
    assert.ok(plattProbability(-2, A, B) < 0.15);
  });
});
