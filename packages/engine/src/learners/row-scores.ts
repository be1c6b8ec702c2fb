/** For each row of a row-major [rows × k] score matrix, the column of the largest score (ties: the lowest). */
export function argmaxRows(scores: ArrayLike<number>, rows: number, k: number): Int32Array {
  const out = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if ((scores[i * k + c] as number) > (scores[i * k + best] as number)) best = c;
    out[i] = best;
  }
  return out;
}

/**
 * Softmax of each row of a row-major [rows × k] score matrix into `out` (which may be
 * `scores` itself), shifted by the row maximum so that large scores do not overflow.
 */
export function softmaxRows(scores: Float64Array, rows: number, k: number, out: Float64Array): Float64Array {
  for (let i = 0; i < rows; i++) {
    let max = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < k; c++) max = Math.max(max, scores[i * k + c] as number);
    let sum = 0;
    for (let c = 0; c < k; c++) {
      const e = Math.exp((scores[i * k + c] as number) - max);
      out[i * k + c] = e;
      sum += e;
    }
    for (let c = 0; c < k; c++) out[i * k + c] = (out[i * k + c] as number) / sum;
  }
  return out;
}
