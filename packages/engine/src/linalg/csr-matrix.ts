import type { DenseMatrix } from './dense-matrix.js';

/**
 * A compressed sparse row matrix of float64, as text features are: row r's non-zeros are
 * at positions indptr[r] ≤ p < indptr[r + 1], column indices[p], value data[p].
 */
export interface CsrMatrix {
  rows: number;
  cols: number;
  indptr: Int32Array;
  indices: Int32Array;
  data: Float64Array;
}

/** Dense or sparse: what the learners that take text features accept. */
export type FeatureMatrix = DenseMatrix | CsrMatrix;

export function isCsr(m: FeatureMatrix): m is CsrMatrix {
  return 'indptr' in m;
}

/** Stacks matrices side by side (all with the same rows) into one CSR matrix. */
export function hstackCsr(parts: FeatureMatrix[]): CsrMatrix {
  const rows = parts[0]?.rows ?? 0;
  let cols = 0;
  let nnz = 0;
  for (const p of parts) {
    if (p.rows !== rows) throw new Error(`hstack: ${p.rows} rows where ${rows} were expected`);
    cols += p.cols;
    nnz += isCsr(p) ? (p.indptr[p.rows] as number) : p.rows * p.cols;
  }
  const indptr = new Int32Array(rows + 1);
  const indices = new Int32Array(nnz);
  const data = new Float64Array(nnz);
  let at = 0;
  for (let r = 0; r < rows; r++) {
    let offset = 0;
    for (const p of parts) {
      if (isCsr(p)) {
        for (let q = p.indptr[r] as number; q < (p.indptr[r + 1] as number); q++) {
          indices[at] = offset + (p.indices[q] as number);
          data[at++] = p.data[q] as number;
        }
      } else {
        for (let c = 0; c < p.cols; c++) {
          const v = p.data[r * p.cols + c] as number;
          if (v === 0) continue;
          indices[at] = offset + c;
          data[at++] = v;
        }
      }
      offset += p.cols;
    }
    indptr[r + 1] = at;
  }
  return { rows, cols, indptr, indices: indices.slice(0, at), data: data.slice(0, at) };
}

/** The rows at the given indices, in that order. */
export function takeCsrRows(m: CsrMatrix, rows: ArrayLike<number>): CsrMatrix {
  let nnz = 0;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] as number;
    nnz += (m.indptr[r + 1] as number) - (m.indptr[r] as number);
  }
  const indptr = new Int32Array(rows.length + 1);
  const indices = new Int32Array(nnz);
  const data = new Float64Array(nnz);
  let at = 0;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] as number;
    const from = m.indptr[r] as number;
    const to = m.indptr[r + 1] as number;
    indices.set(m.indices.subarray(from, to), at);
    data.set(m.data.subarray(from, to), at);
    at += to - from;
    indptr[i + 1] = at;
  }
  return { rows: rows.length, cols: m.cols, indptr, indices, data };
}

/** Dense copy, for learners that need one (and for small matrices in tests). */
export function csrToDense(m: CsrMatrix): DenseMatrix {
  const out = new Float64Array(m.rows * m.cols);
  for (let r = 0; r < m.rows; r++) {
    for (let q = m.indptr[r] as number; q < (m.indptr[r + 1] as number); q++) {
      out[r * m.cols + (m.indices[q] as number)] = m.data[q] as number;
    }
  }
  return { rows: m.rows, cols: m.cols, data: out };
}
