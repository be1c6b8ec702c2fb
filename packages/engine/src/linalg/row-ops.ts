import { type FeatureMatrix, isCsr } from './csr-matrix.js';

/**
 * The row operations linear learners need, for dense and sparse matrices alike, so one
 * solver serves both. Each checks the kind once per call; the loops stay monomorphic.
 */

/** Σ_j x[i,j] · w[offset + j] */
export function rowDot(x: FeatureMatrix, i: number, w: Float64Array, offset: number): number {
  let s = 0;
  if (isCsr(x)) {
    const { indptr, indices, data } = x;
    for (let q = indptr[i] as number, end = indptr[i + 1] as number; q < end; q++) {
      s += (data[q] as number) * (w[offset + (indices[q] as number)] as number);
    }
    return s;
  }
  const d = x.cols;
  const data = x.data;
  const row = i * d;
  for (let j = 0; j < d; j++) s += (data[row + j] as number) * (w[offset + j] as number);
  return s;
}

/** g[offset + j] += alpha · x[i,j] */
export function rowAxpy(x: FeatureMatrix, i: number, alpha: number, g: Float64Array, offset: number): void {
  if (isCsr(x)) {
    const { indptr, indices, data } = x;
    for (let q = indptr[i] as number, end = indptr[i + 1] as number; q < end; q++) {
      const j = offset + (indices[q] as number);
      g[j] = (g[j] as number) + alpha * (data[q] as number);
    }
    return;
  }
  const d = x.cols;
  const data = x.data;
  const row = i * d;
  for (let j = 0; j < d; j++) g[offset + j] = (g[offset + j] as number) + alpha * (data[row + j] as number);
}

/** Σ_j x[i,j]² */
export function rowSquaredNorm(x: FeatureMatrix, i: number): number {
  let s = 0;
  if (isCsr(x)) {
    for (let q = x.indptr[i] as number, end = x.indptr[i + 1] as number; q < end; q++) s += (x.data[q] as number) ** 2;
    return s;
  }
  const d = x.cols;
  for (let j = 0; j < d; j++) s += (x.data[i * d + j] as number) ** 2;
  return s;
}

/** The smallest stored value (0 counts for dense zeros; sparse absent entries are 0 too). */
export function minValue(x: FeatureMatrix): number {
  let m = isCsr(x) && x.data.length < x.rows * x.cols ? 0 : Number.POSITIVE_INFINITY;
  for (let q = 0; q < x.data.length; q++) if ((x.data[q] as number) < m) m = x.data[q] as number;
  return m;
}
