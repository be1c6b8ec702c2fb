import type { FitProgress } from '../learners/learner.js';
import { Rng } from '../random/rng.js';
import type { Interactions } from './interactions.js';
import { rankingMetrics, topK } from './ranking-metrics.js';
import { RecommenderModel } from './recommender-model.js';
import { recommenderDefinition } from './recommender-registry.js';

export type RecommenderSplit =
  | { kind: 'random'; testFraction: number }
  /** Per user with more than n interactions, the n latest (by timestamp) are held out. */
  | { kind: 'leave-last'; n: number };

export interface RecommenderTrainingRequest {
  algorithm: string;
  params?: Record<string, unknown>;
  split: RecommenderSplit;
  seed?: number;
  /** The cut-off of the ranking metrics. Default 10. */
  k?: number;
}

/**
 * Trains a recommender on all but the held-out interactions and measures it on them:
 * RMSE and MAE of the ratings (explicit models), or precision, recall, NDCG, MAP and hit
 * rate at k with catalogue coverage (every model ranks; items a user has seen in
 * training are left out of their list).
 */
export function trainRecommender(
  data: Interactions,
  req: RecommenderTrainingRequest,
  opts: { onProgress?: (p: FitProgress) => void; signal?: AbortSignal } = {},
): {
  model: RecommenderModel;
  metrics: Record<string, number>;
  nTrain: number;
  nTest: number;
  /** The params the model was fitted with, and what it chose on its validation split (when it chose). */
  params: Record<string, unknown>;
  selection?: Readonly<Record<string, unknown>>;
} {
  const def = recommenderDefinition(req.algorithm);
  const { train, test } = splitRows(data, req.split, req.seed ?? 0);
  const trainData = data.take(train);
  const model = RecommenderModel.fit(trainData, req.algorithm, req.params ?? {}, {
    seed: req.seed,
    signal: opts.signal,
    onProgress: (p) => opts.onProgress?.({ ...p, fraction: 0.9 * p.fraction }),
  });
  opts.onProgress?.({ stage: 'evaluate', fraction: 0.9 });
  const k = req.k ?? 10;
  const metrics: Record<string, number> = {};
  if (def.feedback === 'explicit') {
    let se = 0;
    let ae = 0;
    for (const t of test) {
      const context = Object.fromEntries(data.context.map((c) => [c.name, c.values[c.codes[t] as number]]));
      const predicted = model.predictRating(
        data.users[data.u[t] as number] as string,
        data.items[data.i[t] as number] as string,
        context,
      );
      const e = predicted - (data.value[t] as number);
      se += e * e;
      ae += Math.abs(e);
    }
    metrics.rmse = Math.sqrt(se / Math.max(1, test.length));
    metrics.mae = ae / Math.max(1, test.length);
  }
  const relevant = new Map<number, Set<number>>();
  for (const t of test) {
    const u = data.u[t] as number;
    const s = relevant.get(u) ?? new Set<number>();
    s.add(data.i[t] as number);
    relevant.set(u, s);
  }
  const seen = trainData.byUser();
  const ranked = new Map<number, Int32Array>();
  for (const u of relevant.keys()) {
    const exclude = new Set(seen.indices.subarray(seen.indptr[u] as number, seen.indptr[u + 1] as number));
    ranked.set(u, topK(model.recommender.scoreItems(u), k, exclude));
  }
  const r = rankingMetrics(ranked, relevant, k, data.nItems);
  Object.assign(metrics, {
    [`precision@${k}`]: r.precision,
    [`recall@${k}`]: r.recall,
    [`ndcg@${k}`]: r.ndcg,
    [`map@${k}`]: r.map,
    [`hitRate@${k}`]: r.hitRate,
    coverage: r.coverage,
  });
  opts.onProgress?.({ stage: 'done', fraction: 1, metrics });
  const { selection } = model.recommender;
  return {
    model,
    metrics,
    nTrain: train.length,
    nTest: test.length,
    params: { ...model.recommender.params },
    ...(selection && { selection }),
  };
}

/** The held-out interactions of a split (random share, or each user's latest n), and the rest. */
export function splitRows(
  data: Interactions,
  split: RecommenderSplit,
  seed: number,
): { train: Int32Array; test: Int32Array } {
  const n = data.length;
  const isTest = new Uint8Array(n);
  if (split.kind === 'random') {
    if (!(split.testFraction > 0 && split.testFraction < 1)) throw new Error('testFraction must be in (0, 1)');
    const order = new Rng(seed).shuffle(Int32Array.from({ length: n }, (_, t) => t));
    for (let s = 0; s < Math.round(n * split.testFraction); s++) isTest[order[s] as number] = 1;
  } else {
    if (!data.time) throw new Error('a leave-last split needs a timestamp column');
    if (!(Number.isInteger(split.n) && split.n >= 1)) throw new Error('leave-last needs n ≥ 1');
    // Each user's interactions, sorted by time (ties in file order).
    const positions = new Map<number, number[]>();
    for (let t = 0; t < n; t++) {
      const u = data.u[t] as number;
      const list = positions.get(u) ?? [];
      list.push(t);
      positions.set(u, list);
    }
    const time = data.time;
    for (const list of positions.values()) {
      if (list.length <= split.n) continue;
      list.sort((a, b) => (time[a] as number) - (time[b] as number) || a - b);
      for (const t of list.slice(-split.n)) isTest[t] = 1;
    }
  }
  const train: number[] = [];
  const test: number[] = [];
  for (let t = 0; t < n; t++) (isTest[t] ? test : train).push(t);
  return { train: Int32Array.from(train), test: Int32Array.from(test) };
}
