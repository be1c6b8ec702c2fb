/** A dense row-major matrix of float64: element (r, c) is data[r * cols + c]. */
export interface DenseMatrix {
  rows: number;
  cols: number;
  data: Float64Array;
}

export function zeros(rows: number, cols: number): DenseMatrix {
  return { rows, cols, data: new Float64Array(rows * cols) };
}

/** The rows of `m` at the given indices, in that order. */
export function takeRows(m: DenseMatrix, rows: ArrayLike<number>): DenseMatrix {
  const out = zeros(rows.length, m.cols);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] as number;
    out.data.set(m.data.subarray(r * m.cols, (r + 1) * m.cols), i * m.cols);
  }
  return out;
}
