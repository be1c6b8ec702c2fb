/** A curve as two equal-length coordinate arrays, thinned to at most `maxPoints`. */
export interface Curve {
  x: number[];
  y: number[];
}

/**
 * The ROC curve of scores for a binary truth: false-positive rate against true-positive
 * rate at every distinct threshold, from (0, 0) to (1, 1), as scikit-learn's roc_curve
 * with drop_intermediate=False.
 */
export function rocCurve(isPositive: ArrayLike<boolean | number>, score: ArrayLike<number>, maxPoints = 201): Curve {
  const { tps, fps, nPos, nNeg } = cumulative(isPositive, score);
  if (nPos === 0 || nNeg === 0) throw new Error('a ROC curve needs both classes');
  const x = [0, ...fps.map((f) => f / nNeg)];
  const y = [0, ...tps.map((t) => t / nPos)];
  return thin({ x, y }, maxPoints);
}

/**
 * The precision–recall curve: recall against precision at every distinct threshold,
 * highest threshold first, and average precision as scikit-learn defines it:
 * Σ (Rₙ − Rₙ₋₁) Pₙ.
 */
export function precisionRecallCurve(
  isPositive: ArrayLike<boolean | number>,
  score: ArrayLike<number>,
  maxPoints = 201,
): Curve & { averagePrecision: number } {
  const { tps, fps, nPos } = cumulative(isPositive, score);
  if (nPos === 0) throw new Error('a precision-recall curve needs positives');
  const recall = tps.map((t) => t / nPos);
  const precision = tps.map((t, i) => t / (t + (fps[i] as number)));
  let ap = 0;
  let prev = 0;
  for (let i = 0; i < recall.length; i++) {
    ap += ((recall[i] as number) - prev) * (precision[i] as number);
    prev = recall[i] as number;
  }
  return { ...thin({ x: [0, ...recall], y: [1, ...precision] }, maxPoints), averagePrecision: ap };
}

/** True and false positives above each distinct score, highest score first. */
function cumulative(isPositive: ArrayLike<boolean | number>, score: ArrayLike<number>) {
  if (isPositive.length !== score.length) throw new Error('truth and scores differ in length');
  const n = score.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (score[b] as number) - (score[a] as number));
  const tps: number[] = [];
  const fps: number[] = [];
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < n; k++) {
    const i = order[k] as number;
    if (isPositive[i]) tp++;
    else fp++;
    const next = order[k + 1];
    if (next === undefined || score[next] !== score[i]) {
      tps.push(tp);
      fps.push(fp);
    }
  }
  return { tps, fps, nPos: tp, nNeg: fp };
}

/** Every k-th point, always keeping the first and the last. */
function thin(c: Curve, maxPoints: number): Curve {
  if (c.x.length <= maxPoints) return c;
  const step = (c.x.length - 1) / (maxPoints - 1);
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < maxPoints; i++) {
    const j = Math.round(i * step);
    x.push(c.x[j] as number);
    y.push(c.y[j] as number);
  }
  return { x, y };
}
