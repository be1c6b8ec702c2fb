import type { DenseMatrix } from '../linalg/dense-matrix.js';

/**
 * Standard scaling, as scikit-learn's StandardScaler: subtract the training mean and divide
 * by the population standard deviation (ddof 0); a constant column gets scale 1.
 */
export class StandardScaler {
  mean: Float64Array = new Float64Array(0);
  scale: Float64Array = new Float64Array(0);

  fit(x: DenseMatrix): this {
    const { rows, cols, data } = x;
    const mean = new Float64Array(cols);
    const m2 = new Float64Array(cols);
    for (let r = 0; r < rows; r++)
      for (let c = 0; c < cols; c++) mean[c] = (mean[c] as number) + (data[r * cols + c] as number);
    for (let c = 0; c < cols; c++) mean[c] = (mean[c] as number) / rows;
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++)
        m2[c] = (m2[c] as number) + ((data[r * cols + c] as number) - (mean[c] as number)) ** 2;
    }
    this.mean = mean;
    this.scale = m2.map((v) => {
      const sd = Math.sqrt(v / rows);
      return sd > 0 ? sd : 1;
    });
    return this;
  }

  transform(x: DenseMatrix): DenseMatrix {
    const { rows, cols, data } = x;
    if (cols !== this.mean.length) throw new Error(`the scaler was fitted on ${this.mean.length} columns, got ${cols}`);
    const out = new Float64Array(data.length);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        out[r * cols + c] = ((data[r * cols + c] as number) - (this.mean[c] as number)) / (this.scale[c] as number);
      }
    }
    return { rows, cols, data: out };
  }
}
