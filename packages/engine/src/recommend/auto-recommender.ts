import type { FitProgress } from '../learners/learner.js';
import { Rng } from '../random/rng.js';
import { EASE_MAX_ITEMS } from './ease.js';
import type { Interactions } from './interactions.js';
import { rankingMetrics, topK } from './ranking-metrics.js';
import type { Recommender } from './recommender.js';
import { recommenderDefinition } from './recommender-registry.js';
import { type RecommenderTrainingRequest, splitRows, trainRecommender } from './recommender-training.js';

export interface RecommenderCandidate {
  algorithm: string;
  params: Record<string, unknown>;
}

export interface RecommenderLeaderboardEntry extends RecommenderCandidate {
  /** The metric on the validation split (null: not scored). */
  score: number | null;
  seconds: number;
  status: 'scored' | 'out of time' | 'failed';
  error?: string;
}

/** Ranking metrics `auto` may choose by (at k = 10), and the rating errors. */
export const RECOMMENDER_AUTO_METRICS = ['hitRate@10', 'ndcg@10', 'recall@10', 'precision@10', 'map@10', 'rmse', 'mae'];

/**
 * What `auto` tries for recommendation. Ratings (explicit): matrix factorisation (which
 * itself chooses between factors and biases on a validation split) and the biases.
 * Implicit feedback: popularity, item-kNN and ALS in two settings each, EASE at three
 * strengths when the catalogue is small enough for its items × items weights.
 */
export function recommenderPortfolio(explicit: boolean, nItems: number): RecommenderCandidate[] {
  if (explicit)
    return [
      { algorithm: 'biases', params: {} },
      { algorithm: 'matrix-factorization', params: {} },
    ];
  return [
    { algorithm: 'popularity', params: {} },
    { algorithm: 'item-knn', params: { neighbours: 50, shrink: 10 } },
    { algorithm: 'item-knn', params: { neighbours: 200, shrink: 100 } },
    ...(nItems <= EASE_MAX_ITEMS ? [10, 50, 250].map((lambda) => ({ algorithm: 'ease', params: { lambda } })) : []),
    { algorithm: 'als', params: { factors: 32, reg: 0.1, alpha: 10 } },
    { algorithm: 'als', params: { factors: 64, reg: 1, alpha: 40 } },
  ];
}

/**
 * `auto` for recommendation: the held-out interactions are set aside as for any
 * recommender (the request's split); within the rest, a validation split (each user's
 * latest interaction by time, or a random one, for ranking; 10% of the ratings for rating
 * errors) scores every candidate while the budget lasts; the best is then trained on all
 * training interactions and measured once on the held-out ones.
 */
export function autoRecommend(
  data: Interactions,
  req: Omit<RecommenderTrainingRequest, 'algorithm' | 'params'>,
  auto: {
    timeBudgetS?: number;
    metric?: string;
    /** The values are ratings (a rating column was named): chosen by RMSE unless `metric` says otherwise. */
    ratings?: boolean;
  },
  opts: {
    candidates?: RecommenderCandidate[];
    onProgress?: (p: FitProgress) => void;
    signal?: AbortSignal;
    now?: () => number;
  } = {},
): ReturnType<typeof trainRecommender> & {
  algorithm: string;
  metric: string;
  timeBudgetS: number;
  leaderboard: RecommenderLeaderboardEntry[];
  best: number;
} {
  const now = opts.now ?? (() => performance.now());
  const started = now();
  const timeBudgetS = auto.timeBudgetS ?? 120;
  const seed = req.seed ?? 0;
  const metric = auto.metric ?? (auto.ratings ? 'rmse' : 'hitRate@10');
  if (!RECOMMENDER_AUTO_METRICS.includes(metric)) throw new Error(`auto cannot choose by ${metric}`);
  const byRating = metric === 'rmse' || metric === 'mae';
  if (byRating && !auto.ratings) throw new Error(`${metric} needs ratings: name the rating column`);
  const { train } = splitRows(data, req.split, seed);
  const trainData = data.take(train);
  const validation = byRating ? ratingSplit(trainData, seed) : lastPerUser(trainData, seed);
  const candidates = opts.candidates ?? recommenderPortfolio(byRating, data.nItems);
  const leaderboard: RecommenderLeaderboardEntry[] = [];
  const lower = byRating;
  let best = -1;
  candidates.forEach((c, index) => {
    const entry: RecommenderLeaderboardEntry = { ...c, score: null, seconds: 0, status: 'scored' };
    leaderboard.push(entry);
    if (best >= 0 && (now() - started) / 1000 >= timeBudgetS) {
      entry.status = 'out of time';
      return;
    }
    const t0 = now();
    try {
      opts.signal?.throwIfAborted();
      const rec = recommenderDefinition(c.algorithm)
        .create(c.params)
        .fit(validation.fit, { seed, signal: opts.signal });
      entry.score = byRating ? ratingError(rec, validation, metric) : rankingScore(rec, validation, metric);
    } catch (err) {
      if (opts.signal?.aborted) throw err;
      entry.status = 'failed';
      entry.error = err instanceof Error ? err.message : String(err);
    }
    entry.seconds = (now() - t0) / 1000;
    if (entry.status === 'scored') {
      const lead = best >= 0 ? (leaderboard[best]?.score as number) : undefined;
      if (lead === undefined || (lower ? (entry.score as number) < lead : (entry.score as number) > lead)) best = index;
    }
    opts.onProgress?.({
      stage: 'candidate',
      fraction: 0.8 * Math.min(1, (index + 1) / candidates.length),
      metrics: { candidate: index + 1, ...(entry.score !== null && { [metric]: entry.score }) },
    });
  });
  if (best < 0)
    throw new Error(
      `no candidate could be scored (${leaderboard.map((e) => `${e.algorithm}: ${e.error}`).join('; ')})`,
    );
  const chosen = leaderboard[best] as RecommenderLeaderboardEntry;
  const outcome = trainRecommender(
    data,
    { ...req, algorithm: chosen.algorithm, params: chosen.params },
    {
      signal: opts.signal,
      onProgress: (p) => opts.onProgress?.({ ...p, fraction: 0.8 + 0.2 * p.fraction }),
    },
  );
  return { ...outcome, algorithm: chosen.algorithm, metric, timeBudgetS, leaderboard, best };
}

interface Validation {
  fit: Interactions;
  /** Ratings: the held-out rows (of the training data). */
  rows: Interactions;
  /** Ranking: each user's held-out items (indices shared with `fit`). */
  heldOut: Map<number, Set<number>>;
}

function ratingSplit(data: Interactions, seed: number): Validation {
  const order = new Rng(seed + 101).shuffle(Int32Array.from({ length: data.length }, (_, t) => t));
  const cut = Math.round(data.length * 0.1);
  return { fit: data.take(order.subarray(cut)), rows: data.take(order.subarray(0, cut)), heldOut: new Map() };
}

/** Each user with two or more interactions gives up one: the latest by time, else a random one. */
function lastPerUser(data: Interactions, seed: number): Validation {
  const rng = new Rng(seed + 211);
  const byUser = new Map<number, number[]>();
  for (let t = 0; t < data.length; t++) {
    const u = data.u[t] as number;
    const list = byUser.get(u) ?? [];
    list.push(t);
    byUser.set(u, list);
  }
  const out = new Uint8Array(data.length);
  const heldOut = new Map<number, Set<number>>();
  for (const [u, list] of byUser) {
    if (list.length < 2) continue;
    const time = data.time;
    const t = time
      ? list.reduce((a, b) => ((time[b] as number) > (time[a] as number) ? b : a))
      : (list[rng.int(list.length)] as number);
    out[t] = 1;
    heldOut.set(u, new Set([data.i[t] as number]));
  }
  const keep = Int32Array.from({ length: data.length }, (_, t) => t).filter((t) => !out[t]);
  return { fit: data.take(keep), rows: data.take(new Int32Array(0)), heldOut };
}

function ratingError(rec: Recommender, v: Validation, metric: string): number {
  if (!rec.predictRating) throw new Error(`${rec.name} predicts no ratings`);
  let sum = 0;
  const codes = new Int32Array(v.rows.context.length);
  for (let t = 0; t < v.rows.length; t++) {
    v.rows.context.forEach((c, j) => {
      codes[j] = c.codes[t] as number;
    });
    const e = rec.predictRating(v.rows.u[t] as number, v.rows.i[t] as number, codes) - (v.rows.value[t] as number);
    sum += metric === 'mae' ? Math.abs(e) : e * e;
  }
  const mean = sum / Math.max(1, v.rows.length);
  return metric === 'mae' ? mean : Math.sqrt(mean);
}

function rankingScore(rec: Recommender, v: Validation, metric: string): number {
  const seen = v.fit.byUser();
  const ranked = new Map<number, Int32Array>();
  for (const u of v.heldOut.keys()) {
    const exclude = new Set(seen.indices.subarray(seen.indptr[u] as number, seen.indptr[u + 1] as number));
    ranked.set(u, topK(rec.scoreItems(u), 10, exclude));
  }
  const r = rankingMetrics(ranked, v.heldOut, 10, v.fit.nItems);
  const byName: Record<string, number> = {
    'hitRate@10': r.hitRate,
    'ndcg@10': r.ndcg,
    'recall@10': r.recall,
    'precision@10': r.precision,
    'map@10': r.map,
  };
  return byName[metric] as number;
}
