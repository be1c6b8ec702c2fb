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
