import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { needsData } from '../../test-support/data-files.js';
import { loadBaskets, loadInstEval, loadInstEvalImplicit } from '../../test-support/rating-sets.js';
import { Rng } from '../random/rng.js';
import { BiasBaseline } from './bias-baseline.js';
import { Ease } from './ease.js';
import { ImplicitAls } from './implicit-als.js';
import { Interactions } from './interactions.js';
import { ItemKnn } from './item-knn.js';
import { MatrixFactorization } from './matrix-factorization.js';
import { Popularity } from './popularity.js';
import { rankingMetrics, topK } from './ranking-metrics.js';
import type { Recommender } from './recommender.js';
import { RecommenderModel } from './recommender-model.js';
import { trainRecommender } from './recommender-training.js';

describe('interactions', () => {
  it('index users and items in first-seen order and give CSR views', () => {
    const d = new Interactions(['ann', 'bob', 'ann', 'cid'], ['x', 'y', 'y', 'x'], [5, 3, 4, 1]);
    assert.deepEqual(d.users, ['ann', 'bob', 'cid']);
    assert.deepEqual(d.items, ['x', 'y']);
    const byUser = d.byUser();
    assert.deepEqual(Array.from(byUser.indptr), [0, 2, 3, 4]);
    assert.deepEqual(Array.from(byUser.indices.subarray(0, 2)), [0, 1]);
    assert.deepEqual(Array.from(byUser.values.subarray(0, 2)), [5, 4]);
    assert.deepEqual(Array.from(d.byItem().indptr), [0, 2, 4]);
    const part = d.take([3, 1]);
    assert.deepEqual(Array.from(part.u), [2, 1]);
    assert.equal(part.nUsers, 3);
  });
});

describe('ranking metrics, by hand', () => {
  it('precision, recall, NDCG, MAP, hit rate and coverage at k', () => {
    // User 0 is shown [3, 1, 2] and held out {1, 2}; user 1 is shown [0, 4, 5] and held out {9}.
    const ranked = new Map([
      [0, [3, 1, 2]],
      [1, [0, 4, 5]],
    ]);
    const relevant = new Map([
      [0, new Set([1, 2])],
      [1, new Set([9])],
    ]);
    const m = rankingMetrics(ranked, relevant, 3, 10);
    assert.equal(m.users, 2);
    assert.ok(Math.abs(m.precision - (2 / 3 + 0) / 2) < 1e-12);
    assert.ok(Math.abs(m.recall - (1 + 0) / 2) < 1e-12);
    const dcg = 1 / Math.log2(3) + 1 / Math.log2(4);
    const idcg = 1 + 1 / Math.log2(3);
    assert.ok(Math.abs(m.ndcg - dcg / idcg / 2) < 1e-12);
    // AP of user 0: (1/2 + 2/3) / 2.
    assert.ok(Math.abs(m.map - (1 / 2 + 2 / 3) / 2 / 2) < 1e-12);
    assert.equal(m.hitRate, 0.5);
    assert.equal(m.coverage, 6 / 10);
  });

  it('topK takes the best scores, skips excluded items, breaks ties by index', () => {
    const s = Float64Array.from([0.5, 0.9, 0.1, 0.9, 0.7]);
    assert.deepEqual(Array.from(topK(s, 3)), [1, 3, 4]);
    assert.deepEqual(Array.from(topK(s, 2, new Set([1]))), [3, 4]);
  });
});

describe('recommenders', () => {
  it('popularity ranks items by how many users chose them', () => {
    const d = new Interactions(['a', 'b', 'c', 'a', 'b'], ['x', 'y', 'y', 'z', 'y']);
    assert.deepEqual(Array.from(new Popularity().fit(d).scoreItems()), [1, 3, 1]);
  });

  it('the bias baseline fits an additive rating matrix exactly without shrinkage, and shrinks with it', () => {
    // r(u, i) = 3 + a_u + b_i over every pair: ALS with no regularisation reaches it.
    const a = [0.5, -0.25, 0, 1];
    const b = [-1, 0.75, 0.25];
    const users: string[] = [];
    const items: string[] = [];
    const ratings: number[] = [];
    a.forEach((au, u) => {
      b.forEach((bi, i) => {
        users.push(`u${u}`);
        items.push(`i${i}`);
        ratings.push(3 + au + bi);
      });
    });
    const d = new Interactions(users, items, ratings);
    const exact = new BiasBaseline({ regUser: 0, regItem: 0, epochs: 20 }).fit(d);
    for (let t = 0; t < d.length; t++) {
      assert.ok(Math.abs(exact.predictRating(d.u[t] as number, d.i[t] as number) - (d.value[t] as number)) < 1e-9);
    }
    // One epoch with shrinkage λ: b_i = Σ(r − μ) / (λ + n_i), by hand for item 0 (4 ratings).
    const one = new BiasBaseline({ regUser: 0, regItem: 2, epochs: 1 }).fit(d);
    const mu = ratings.reduce((x, y) => x + y, 0) / ratings.length;
    const residual = a.reduce((sum, au) => sum + (3 + au + (b[0] as number) - mu), 0);
    assert.ok(Math.abs((one.itemBias[0] as number) - residual / (2 + 4)) < 1e-12);
  });

  it('matrix factorisation recovers a low-rank rating matrix and falls back to biases', () => {
    // r(u, i) = 3 + a_u · b_i with one factor, every pair observed.
    const users: string[] = [];
    const items: string[] = [];
    const ratings: number[] = [];
    for (let u = 0; u < 30; u++) {
      for (let i = 0; i < 20; i++) {
        users.push(`u${u}`);
        items.push(`i${i}`);
        ratings.push(3 + Math.sin(u) * Math.cos(i));
      }
    }
    const d = new Interactions(users, items, ratings);
    const params = { factors: 3, epochs: 200, learningRate: 0.02, reg: 0.001, regUser: 0, regItem: 0 };
    const m = new MatrixFactorization(params).fit(d, { seed: 1 });
    let se = 0;
    for (let t = 0; t < d.length; t++)
      se += (m.predictRating(d.u[t] as number, d.i[t] as number) - (d.value[t] as number)) ** 2;
    assert.ok(Math.sqrt(se / d.length) < 0.05, `rmse ${Math.sqrt(se / d.length)}`);
    // An unknown user gets the mean plus the item's bias.
    assert.equal(m.predictRating(-1, 0), m.mean + (m.itemBias[0] as number));
    assert.throws(() => new MatrixFactorization({ factors: -1 }), /factors/);
  });
});

describe('matrix factorisation chooses on a validation split, and never loses to its biases', () => {
  /** 80 users × 60 items, 70% of pairs rated: biases plus, when `rank` > 0, a low-rank interaction, plus noise. */
  function ratings(rank: number, seed: number) {
    const rng = new Rng(seed);
    const a = Array.from({ length: 80 }, () => rng.normal() * 0.5);
    const b = Array.from({ length: 60 }, () => rng.normal() * 0.5);
    const p = Array.from({ length: 80 }, () => Array.from({ length: rank }, () => rng.normal()));
    const q = Array.from({ length: 60 }, () => Array.from({ length: rank }, () => rng.normal()));
    const rows: Array<[string, string, number]> = [];
    for (let u = 0; u < 80; u++)
      for (let i = 0; i < 60; i++) {
        if (rng.next() > 0.7) continue;
        let r = 3 + (a[u] as number) + (b[i] as number) + 0.3 * rng.normal();
        for (let k = 0; k < rank; k++) r += 0.6 * ((p[u] as number[])[k] as number) * ((q[i] as number[])[k] as number);
        rows.push([`u${u}`, `i${i}`, r]);
      }
    const d = new Interactions(
      rows.map((r) => r[0]),
      rows.map((r) => r[1]),
      rows.map((r) => r[2]),
    );
    const order = new Rng(seed + 1).shuffle(Int32Array.from({ length: d.length }, (_, t) => t));
    const cut = Math.round(d.length * 0.8);
    return { train: d.take(order.subarray(0, cut)), test: d.take(order.subarray(cut)) };
  }
  const rmseOn = (m: Recommender, test: Interactions) => {
    let se = 0;
    for (let t = 0; t < test.length; t++) {
      const e = (m.predictRating?.(test.u[t] as number, test.i[t] as number) as number) - (test.value[t] as number);
      se += e * e;
    }
    return Math.sqrt(se / test.length);
  };

  it('ratings with no interaction between users and items: the version is the biases model, and says so', () => {
    const { train, test } = ratings(0, 3);
    const m = new MatrixFactorization().fit(train, { seed: 0 });
    assert.equal(m.selection?.chosen, 'biases', JSON.stringify(m.selection));
    assert.equal(m.params.factors, 0, 'the stored params have no factors');
    // No factor model did better on the validation ratings than chance allows (0.2%).
    assert.ok((m.selection?.factorsRmse ?? 0) >= (m.selection?.biasesRmse ?? 1) * 0.998);
    const baseline = new BiasBaseline().fit(train, { seed: 0 });
    assert.ok(rmseOn(m, test) <= rmseOn(baseline, test) + 0.005, `${rmseOn(m, test)} vs ${rmseOn(baseline, test)}`);
  });

  it('ratings with a rank-2 interaction: factors are chosen and beat the biases on held-out ratings', () => {
    const { train, test } = ratings(2, 5);
    const m = new MatrixFactorization().fit(train, { seed: 0 });
    assert.equal(m.selection?.chosen, 'factors');
    assert.ok(m.params.factors > 0 && m.params.epochs > 0 && m.params.epochs <= 60);
    const baseline = new BiasBaseline().fit(train, { seed: 0 });
    assert.ok(rmseOn(m, test) < rmseOn(baseline, test) - 0.05, `${rmseOn(m, test)} vs ${rmseOn(baseline, test)}`);
    // What the request fixes is kept: the factors, their regularisation, the epochs.
    const fixed = new MatrixFactorization({ factors: 4, reg: 0.2, epochs: 7 }).fit(train, { seed: 0 });
    assert.deepEqual([fixed.params.factors, fixed.params.reg, fixed.params.epochs], [4, 0.2, 7]);
    assert.equal(new MatrixFactorization({ validation: 0 }).fit(train, { seed: 0 }).selection, undefined);
  });
});

describe('EASE, the closed-form item-item autoencoder (Steck 2019)', () => {
  /** Gauss-Jordan inverse, written independently of the Cholesky one EASE uses. */
  function inverse(a: number[][]): number[][] {
    const n = a.length;
    const m = a.map((row, i) => [...row, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
    for (let c = 0; c < n; c++) {
      let p = c;
      for (let r = c + 1; r < n; r++)
        if (Math.abs((m[r] as number[])[c] as number) > Math.abs((m[p] as number[])[c] as number)) p = r;
      [m[c], m[p]] = [m[p] as number[], m[c] as number[]];
      const pivot = (m[c] as number[])[c] as number;
      m[c] = (m[c] as number[]).map((v) => v / pivot);
      for (let r = 0; r < n; r++) {
        if (r === c) continue;
        const f = (m[r] as number[])[c] as number;
        m[r] = (m[r] as number[]).map((v, j) => v - f * ((m[c] as number[])[j] as number));
      }
    }
    return m.map((row) => row.slice(n));
  }

  it('its weights are −P_ij / P_jj of P = (XᵀX + λI)⁻¹, with a zero diagonal, and score users by them', () => {
    const rng = new Rng(2);
    const users: string[] = [];
    const items: string[] = [];
    const x = Array.from({ length: 12 }, () => Array.from({ length: 5 }, () => (rng.next() < 0.45 ? 1 : 0)));
    x.forEach((row, u) => {
      row.forEach((v, i) => {
        if (v) {
          users.push(`u${u}`);
          items.push(`i${i}`);
        }
      });
    });
    const d = new Interactions(users, items);
    const lambda = 3;
    const m = new Ease({ lambda }).fit(d);
    // The same, by the book, in the data's item order.
    const order = d.items.map((name) => Number(name.slice(1)));
    const xs = x.map((row) => order.map((i) => row[i] as number));
    const n = order.length;
    const g = Array.from({ length: n }, (_, i) =>
      Array.from(
        { length: n },
        (_, j) => xs.reduce((s, row) => s + (row[i] as number) * (row[j] as number), 0) + (i === j ? lambda : 0),
      ),
    );
    const p = inverse(g);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        const want = i === j ? 0 : -((p[i] as number[])[j] as number) / ((p[j] as number[])[j] as number);
        assert.ok(Math.abs((m.weights[i * n + j] as number) - want) < 1e-10, `B[${i}][${j}]`);
      }
    const u0 = d.users.indexOf('u0');
    const mine = m.scoreItems(u0);
    const seen = d.byUser();
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let t = seen.indptr[u0] as number; t < (seen.indptr[u0 + 1] as number); t++)
        s += m.weights[(seen.indices[t] as number) * n + j] as number;
      assert.ok(Math.abs((mine[j] as number) - s) < 1e-12);
    }
    assert.throws(() => new Ease({ lambda: 0 }), /lambda/);
  });
});

/** hit rate and NDCG at 10 of a recommender on held-out items, seen items left out. */
function heldOutMetrics(rec: Recommender, train: Interactions, heldOut: Map<number, Set<number>>) {
  rec.fit(train, { seed: 0 });
  const byUser = train.byUser();
  const ranked = new Map<number, Int32Array>();
  for (const u of heldOut.keys()) {
    const seen = new Set(
      Array.from(byUser.indices.subarray(byUser.indptr[u] as number, byUser.indptr[u + 1] as number)),
    );
    ranked.set(u, topK(rec.scoreItems(u), 10, seen));
  }
  return rankingMetrics(ranked, heldOut, 10, train.nItems);
}

describe(
  'recommenders on the shared data',
  needsData('ratings-insteval/ratings.csv', 'baskets-supermarket/baskets_long.csv'),
  () => {
    it("InstEval as implicit feedback: EASE's hit rate at 10 is over 1.5× popularity's and above item-kNN's", () => {
      const { train, heldOut } = loadInstEvalImplicit();
      const pop = heldOutMetrics(new Popularity(), train, heldOut);
      const knn = heldOutMetrics(new ItemKnn(), train, heldOut);
      const ease = heldOutMetrics(new Ease(), train, heldOut);
      assert.ok(ease.hitRate > 1.5 * pop.hitRate, `${ease.hitRate} vs popularity ${pop.hitRate}`);
      assert.ok(ease.hitRate > knn.hitRate && ease.ndcg > knn.ndcg, `${ease.hitRate} vs item-kNN ${knn.hitRate}`);
    });

    it('InstEval ratings: the default matrix factorisation beats the biases (1.2084) without context, ≤ 1.200 with', () => {
      for (const [context, goal] of [
        [[], 1.2084],
        [['service', 'studage', 'lectage'], 1.2],
      ] as const) {
        const { train, test } = loadInstEval([...context]);
        const m = new MatrixFactorization().fit(train, { seed: 0 });
        let se = 0;
        const codes = new Int32Array(test.context.length);
        for (let t = 0; t < test.length; t++) {
          test.context.forEach((c, j) => {
            codes[j] = c.codes[t] as number;
          });
          se += (m.predictRating(test.u[t] as number, test.i[t] as number, codes) - (test.value[t] as number)) ** 2;
        }
        const rmse = Math.sqrt(se / test.length);
        assert.ok(rmse < goal, `context [${context.join(', ')}]: RMSE ${rmse} (${JSON.stringify(m.selection)})`);
      }
    });

    it("InstEval as implicit feedback: item-kNN and ALS reach well over 1.5× popularity's hit rate and NDCG at 10", () => {
      const { train, heldOut } = loadInstEvalImplicit();
      assert.ok(heldOut.size > 2500, `${heldOut.size} students with a held-out rating`);
      const pop = heldOutMetrics(new Popularity(), train, heldOut);
      const knn = heldOutMetrics(new ItemKnn(), train, heldOut);
      const als = heldOutMetrics(new ImplicitAls({ factors: 16, iterations: 8 }), train, heldOut);
      for (const m of [knn, als]) {
        assert.ok(m.hitRate >= 1.5 * pop.hitRate, `hit ${m.hitRate} vs ${pop.hitRate}`);
        assert.ok(m.ndcg >= 1.5 * pop.ndcg, `ndcg ${m.ndcg} vs ${pop.ndcg}`);
      }
    });

    it("baskets: popularity and item-kNN give the reference's figures", () => {
      // shared/peers/sklearn-reference.jsonl: popularity hitRate@10 0.0684 (last item), 0.5493 (hash item).
      const last = loadBaskets('last');
      assert.equal(last.heldOut.size, 4591);
      assert.ok(Math.abs(heldOutMetrics(new Popularity(), last.train, last.heldOut).hitRate - 0.0684) < 5e-4);
      const hash = loadBaskets('hash');
      assert.ok(Math.abs(heldOutMetrics(new Popularity(), hash.train, hash.heldOut).hitRate - 0.5493) < 5e-4);
      assert.ok(
        Math.abs(heldOutMetrics(new ItemKnn({ neighbours: 20 }), last.train, last.heldOut).hitRate - 0.0682) < 0.01,
      );
    });
  },
);

describe('RecommenderModel and its training', () => {
  // Three users, four items, times; every user saw item a first.
  const d = new Interactions(
    ['u1', 'u1', 'u1', 'u2', 'u2', 'u3', 'u3', 'u3', 'u3'],
    ['a', 'b', 'c', 'a', 'c', 'a', 'b', 'c', 'd'],
    [5, 4, 3, 5, 2, 4, 4, 3, 1],
    [1, 2, 3, 1, 5, 1, 2, 3, 4],
  );

  it("leave-last holds out each user's latest interactions (users with more than n)", () => {
    const r = trainRecommender(d, { algorithm: 'popularity', split: { kind: 'leave-last', n: 1 } });
    // u1 loses c (t=3), u2 loses c (t=5), u3 loses d (t=4).
    assert.equal(r.nTest, 3);
    assert.equal(r.nTrain, 6);
    assert.ok(typeof r.metrics['hitRate@10'] === 'number');
    assert.throws(
      () =>
        trainRecommender(new Interactions(['x', 'x'], ['a', 'b']), {
          algorithm: 'als',
          split: { kind: 'leave-last', n: 1 },
        }),
      /needs a timestamp column/,
    );
  });

  it('recommends unseen items, falls back to popularity for unknown users, survives its artifact', () => {
    const m = RecommenderModel.fit(d, 'item-knn', { neighbours: 5, shrink: 0 });
    const rec = m.recommend('u2', 2);
    assert.equal(rec.fallback, false);
    assert.ok(!rec.items.includes('a') && !rec.items.includes('c'), 'seen items are left out');
    assert.equal(rec.items[0], 'b');
    const cold = m.recommend('stranger', 2);
    assert.equal(cold.fallback, true);
    assert.deepEqual(cold.items, ['a', 'c']); // the most popular
    const back = RecommenderModel.fromArtifact(m.toArtifact());
    assert.deepEqual(back.recommend('u2', 2), rec);
    assert.deepEqual(back.similarItems('a', 2), m.similarItems('a', 2));
    const mf = RecommenderModel.fit(d, 'matrix-factorization', { epochs: 5 });
    assert.equal(RecommenderModel.fromArtifact(mf.toArtifact()).predictRating('u1', 'b'), mf.predictRating('u1', 'b'));
    const ease = RecommenderModel.fit(d, 'ease', { lambda: 1 });
    const easeBack = RecommenderModel.fromArtifact(ease.toArtifact());
    assert.deepEqual(easeBack.recommend('u2', 2), ease.recommend('u2', 2));
    assert.deepEqual(easeBack.similarItems('a', 2), ease.similarItems('a', 2));
    assert.throws(() => m.predictRating('u1', 'b'), /predicts no ratings/);
  });
});

describe('context biases', () => {
  it('learn how an item is rated in each context value, predict with it, survive the artifact', () => {
    // Item x is rated 5 on mobile and 2 on tv by everyone; item y 3 everywhere.
    const users: string[] = [];
    const items: string[] = [];
    const device: string[] = [];
    const ratings: number[] = [];
    for (let u = 0; u < 40; u++) {
      for (const [item, d, r] of [
        ['x', 'mobile', 5],
        ['x', 'tv', 2],
        ['y', 'mobile', 3],
        ['y', 'tv', 3],
      ] as const) {
        users.push(`u${u}`);
        items.push(item);
        device.push(d);
        ratings.push(r);
      }
    }
    const d = new Interactions(users, items, ratings, undefined, undefined, { device });
    const m = RecommenderModel.fit(d, 'matrix-factorization', { factors: 0, regContext: 1 });
    const mobile = m.predictRating('u1', 'x', { device: 'mobile' });
    const tv = m.predictRating('u1', 'x', { device: 'tv' });
    assert.ok(Math.abs(mobile - 5) < 0.1 && Math.abs(tv - 2) < 0.1, `${mobile} ${tv}`);
    // Without (or with an unknown) context: the item's level without its context biases, in between.
    const plain = m.predictRating('u1', 'x');
    assert.ok(plain > tv && plain < mobile);
    assert.equal(m.predictRating('u1', 'x', { device: 'radio' }), m.predictRating('u1', 'x'));
    assert.equal(RecommenderModel.fromArtifact(m.toArtifact()).predictRating('u1', 'x', { device: 'tv' }), tv);
  });
});
