import type { DenseMatrix } from '../linalg/dense-matrix.js';

/** Missing values (NaN) replaced by the training mean of their column (0 for an all-missing column). */
export class MeanImputer {
  fill: Float64Array = new Float64Array(0);

  fit(x: DenseMatrix): this {
    const { rows, cols, data } = x;
    const sum = new Float64Array(cols);
    const count = new Float64Array(cols);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const v = data[r * cols + c] as number;
        if (!Number.isNaN(v)) {
          sum[c] = (sum[c] as number) + v;
          count[c] = (count[c] as number) + 1;
        }
      }
    }
    this.fill = sum.map((s, c) => ((count[c] as number) > 0 ? s / (count[c] as number) : 0));
    return this;
  }

  transform(x: DenseMatrix): DenseMatrix {
    const out = Float64Array.from(x.data);
    for (let i = 0; i < out.length; i++) if (Number.isNaN(out[i])) out[i] = this.fill[i % x.cols] as number;
    return { rows: x.rows, cols: x.cols, data: out };
  }
}
