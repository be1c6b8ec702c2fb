/**
 * Top-k metrics for recommendations: each user's ranked list against the items held out
 * for that user. Averages are over users with at least one held-out item.
 */
export interface RankingMetrics {
  precision: number;
  recall: number;
  ndcg: number;
  map: number;
  hitRate: number;
  /** Share of the catalogue that appears in at least one list. */
  coverage: number;
  users: number;
}

export function rankingMetrics(
  ranked: Map<number, ArrayLike<number>>,
  relevant: Map<number, Set<number>>,
  k: number,
  catalogueSize: number,
): RankingMetrics {
  let precision = 0;
  let recall = 0;
  let ndcg = 0;
  let ap = 0;
  let hits = 0;
  let users = 0;
  const shown = new Set<number>();
  for (const [user, truth] of relevant) {
    if (truth.size === 0) continue;
    users++;
    const list = Array.from(ranked.get(user) ?? []).slice(0, k);
    for (const item of list) shown.add(item);
    let found = 0;
    let dcg = 0;
    let sumPrecision = 0;
    list.forEach((item, rank) => {
      if (!truth.has(item)) return;
      found++;
      dcg += 1 / Math.log2(rank + 2);
      sumPrecision += found / (rank + 1);
    });
    let idcg = 0;
    for (let r = 0; r < Math.min(truth.size, k); r++) idcg += 1 / Math.log2(r + 2);
    precision += found / k;
    recall += found / truth.size;
    ndcg += idcg > 0 ? dcg / idcg : 0;
    ap += sumPrecision / Math.min(truth.size, k);
    if (found > 0) hits++;
  }
  for (const list of ranked.values()) for (const item of Array.from(list).slice(0, k)) shown.add(item);
  const per = (x: number) => (users > 0 ? x / users : 0);
  return {
    precision: per(precision),
    recall: per(recall),
    ndcg: per(ndcg),
    map: per(ap),
    hitRate: per(hits),
    coverage: catalogueSize > 0 ? shown.size / catalogueSize : 0,
    users,
  };
}

/** The k best items by score, best first, skipping `exclude`; ties by lower index. */
export function topK(scores: Float64Array, k: number, exclude?: Set<number>): Int32Array {
  const best: number[] = [];
  for (let j = 0; j < scores.length; j++) {
    if (exclude?.has(j)) continue;
    const s = scores[j] as number;
    if (best.length === k && s <= (scores[best[k - 1] as number] as number)) continue;
    let at = best.length;
    while (at > 0 && (scores[best[at - 1] as number] as number) < s) at--;
    best.splice(at, 0, j);
    if (best.length > k) best.pop();
  }
  return Int32Array.from(best);
}
