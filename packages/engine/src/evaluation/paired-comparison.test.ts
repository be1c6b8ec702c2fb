import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Rng } from '../random/rng.js';
import { mcnemarTest, pairedBootstrap } from './paired-comparison.js';

describe("McNemar's test", () => {
  test('exact two-sided p-value matches the binomial by hand (b=10, c=2: 2·79/4096)', () => {
    const r = mcnemarTest(10, 2);
    assert.ok(Math.abs(r.pValue - (2 * 79) / 4096) < 1e-12, String(r.pValue));
    // Continuity-corrected chi-square: (|10 − 2| − 1)² / 12.
    assert.ok(Math.abs(r.statistic - 49 / 12) < 1e-12);
  });

  test('no disagreement or a tie in disagreements is no evidence (p = 1)', () => {
    assert.equal(mcnemarTest(0, 0).pValue, 1);
    assert.equal(mcnemarTest(7, 7).pValue, 1);
  });

  test('large counts stay finite and agree with the chi-square approximation in magnitude', () => {
    const r = mcnemarTest(600, 400);
    // χ² = 199²/1000 = 39.6 → p ≈ 3e-10 by the normal approximation.
    assert.ok(r.pValue > 5e-11 && r.pValue < 2e-9, String(r.pValue));
    assert.ok(Math.abs(r.statistic - 39.601) < 1e-9);
  });

  test('rejects counts that are not counts', () => {
    assert.throws(() => mcnemarTest(-1, 2), /non-negative integers/);
    assert.throws(() => mcnemarTest(1.5, 2), /non-negative integers/);
  });
});

describe('paired bootstrap', () => {
  test('the interval of a mean difference matches mean ± 1.96·SE (normal theory)', () => {
    const rng = new Rng(7);
    const n = 2000;
    const d = Float64Array.from({ length: n }, () => 0.3 + rng.normal());
    const mean = (rows: Int32Array) => {
      let s = 0;
      for (const r of rows) s += d[r] as number;
      return s / rows.length;
    };
    const all = mean(Int32Array.from({ length: n }, (_, i) => i));
    let ss = 0;
    for (const v of d) ss += (v - all) ** 2;
    const se = Math.sqrt(ss / (n - 1) / n);
    const ci = pairedBootstrap(n, mean, { resamples: 2000, seed: 3 });
    assert.ok(Math.abs(ci.estimate - all) < 1e-12);
    assert.ok(Math.abs(ci.low - (all - 1.96 * se)) < 0.15 * 1.96 * se, `${ci.low} vs ${all - 1.96 * se}`);
    assert.ok(Math.abs(ci.high - (all + 1.96 * se)) < 0.15 * 1.96 * se, `${ci.high} vs ${all + 1.96 * se}`);
  });

  test('the same seed gives the same interval; identical sides give [0, 0]', () => {
    const stat = (rows: Int32Array) => rows.reduce((a, r) => a + (r % 3), 0) / rows.length;
    assert.deepEqual(pairedBootstrap(50, stat, { seed: 1 }), pairedBootstrap(50, stat, { seed: 1 }));
    const same = pairedBootstrap(40, () => 0.8 - 0.8);
    assert.deepEqual([same.low, same.high], [0, 0]);
  });
});
