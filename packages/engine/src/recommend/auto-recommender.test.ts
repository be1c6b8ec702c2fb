import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Rng } from '../random/rng.js';
import { autoRecommend, recommenderPortfolio } from './auto-recommender.js';
import { Interactions } from './interactions.js';
import { trainRecommender } from './recommender-training.js';

/** 400 users in 4 taste groups of 20 items each, plus 5 items everyone likes. */
function tastes(seed: number): Interactions {
  const rng = new Rng(seed);
  const users: string[] = [];
  const items: string[] = [];
  for (let u = 0; u < 400; u++) {
    const group = u % 4;
    const seen = new Set<number>();
    for (let n = 0; n < 12; n++) {
      const item = rng.next() < 0.1 ? 80 + rng.int(5) : group * 20 + rng.int(20);
      if (seen.has(item)) continue;
      seen.add(item);
      users.push(`u${u}`);
      items.push(`i${item}`);
    }
  }
  return new Interactions(users, items);
}

describe('auto for recommendation: candidates scored on a validation split, the best trained and measured', () => {
  it('implicit tastes: a co-occurrence model wins, and beats popularity on the held-out interactions', () => {
    const data = tastes(1);
    const split = { kind: 'random' as const, testFraction: 0.2 };
    const out = autoRecommend(data, { split, seed: 0 }, { timeBudgetS: 60 });
    assert.equal(out.metric, 'hitRate@10');
    assert.deepEqual(
      out.leaderboard.map((e) => e.algorithm),
      recommenderPortfolio(false, data.nItems).map((c) => c.algorithm),
    );
    assert.notEqual(out.algorithm, 'popularity');
    const scored = out.leaderboard.filter((e) => e.status === 'scored');
    assert.equal(out.leaderboard[out.best]?.score, Math.max(...scored.map((e) => e.score as number)));
    const popularity = trainRecommender(data, { algorithm: 'popularity', split, seed: 0 });
    assert.ok(
      (out.metrics['hitRate@10'] as number) > 1.5 * (popularity.metrics['hitRate@10'] as number),
      `${out.metrics['hitRate@10']} vs popularity ${popularity.metrics['hitRate@10']}`,
    );
  });

  it('ratings: chosen by RMSE between the biases and matrix factorisation; a spent budget says so', () => {
    const rng = new Rng(4);
    const users: string[] = [];
    const items: string[] = [];
    const ratings: number[] = [];
    const bu = Array.from({ length: 60 }, () => rng.normal() * 0.5);
    const bi = Array.from({ length: 40 }, () => rng.normal() * 0.5);
    for (let u = 0; u < 60; u++)
      for (let i = 0; i < 40; i++) {
        if (rng.next() < 0.5) continue;
        users.push(`u${u}`);
        items.push(`i${i}`);
        ratings.push(3 + (bu[u] as number) + (bi[i] as number) + 0.3 * rng.normal());
      }
    const data = new Interactions(users, items, ratings);
    const split = { kind: 'random' as const, testFraction: 0.2 };
    const out = autoRecommend(data, { split, seed: 0 }, { ratings: true });
    assert.equal(out.metric, 'rmse');
    assert.deepEqual(
      out.leaderboard.map((e) => e.algorithm),
      ['biases', 'matrix-factorization'],
    );
    assert.ok((out.metrics.rmse as number) < 0.4, `rmse ${out.metrics.rmse}`);
    let t = 0;
    const rushed = autoRecommend(
      data,
      { split, seed: 0 },
      { ratings: true, timeBudgetS: 1 },
      { now: () => (t += 2000) },
    );
    assert.equal(rushed.leaderboard[1]?.status, 'out of time');
    assert.equal(rushed.algorithm, 'biases');
    assert.throws(() => autoRecommend(data, { split, seed: 0 }, { metric: 'rmse' }), /needs ratings/);
  });
});
