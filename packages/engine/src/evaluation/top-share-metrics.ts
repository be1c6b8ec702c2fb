/**
 * How a "who will buy / churn" model is used: the rows it ranks highest are contacted.
 * For the top `share` of rows by score (ties broken by row order, at least one row):
 * `hits` is the share of all positives found there (recall at the cut), `lift` the
 * positive rate there over the base rate (1: no better than picking at random).
 */
export function topShareMetrics(
  isPositive: ArrayLike<boolean | number>,
  score: ArrayLike<number>,
  share: number,
): { hits: number; lift: number } {
  const n = score.length;
  if (isPositive.length !== n) throw new Error('truth and scores differ in length');
  if (!(share > 0 && share <= 1)) throw new Error('share must be in (0, 1]');
  let positives = 0;
  for (let i = 0; i < n; i++) if (isPositive[i]) positives++;
  if (n === 0 || positives === 0) throw new Error('top-share metrics need positives');
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => (score[b] as number) - (score[a] as number) || a - b,
  );
  const top = Math.max(1, Math.round(n * share));
  let found = 0;
  for (let r = 0; r < top; r++) if (isPositive[order[r] as number]) found++;
  return { hits: found / positives, lift: found / top / (positives / n) };
}
