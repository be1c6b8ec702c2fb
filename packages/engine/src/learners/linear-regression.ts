import { choleskySolve } from '../linalg/cholesky.js';
import type { DenseMatrix } from '../linalg/dense-matrix.js';

export interface LinearRegressionParams {
  /** L2 penalty on the coefficients (not the intercept); 0 is ordinary least squares. Default 0. */
  alpha: number;
  /** Fit an intercept by centring X and y. Default true. */
  fitIntercept: boolean;
}

export const LINEAR_REGRESSION_DEFAULTS: LinearRegressionParams = { alpha: 0, fitIntercept: true };

/**
 * Least squares and ridge regression in closed form: with X and y centred,
 * (XᵀX + αI) w = Xᵀy, solved by Cholesky; intercept = ȳ − x̄·w. The same solution
 * scikit-learn's LinearRegression and Ridge(solver='cholesky') reach.
 */
export class LinearRegression {
  readonly params: LinearRegressionParams;
  coef: Float64Array = new Float64Array(0);
  intercept = 0;

  constructor(params: Partial<LinearRegressionParams> = {}) {
    this.params = { ...LINEAR_REGRESSION_DEFAULTS, ...params };
    if (!(this.params.alpha >= 0)) throw new Error('alpha must be >= 0');
  }

  fit(x: DenseMatrix, y: ArrayLike<number>): this {
    const { rows: n, cols: d, data } = x;
    if (y.length !== n) throw new Error(`X has ${n} rows, y has ${y.length}`);
    const xMean = new Float64Array(d);
    let yMean = 0;
    if (this.params.fitIntercept) {
      for (let r = 0; r < n; r++) {
        for (let c = 0; c < d; c++) xMean[c] = (xMean[c] as number) + (data[r * d + c] as number);
        yMean += y[r] as number;
      }
      for (let c = 0; c < d; c++) xMean[c] = (xMean[c] as number) / n;
      yMean /= n;
    }
    const xtx = new Float64Array(d * d);
    const xty = new Float64Array(d);
    const row = new Float64Array(d);
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < d; c++) row[c] = (data[r * d + c] as number) - (xMean[c] as number);
      const yr = (y[r] as number) - yMean;
      for (let i = 0; i < d; i++) {
        const ri = row[i] as number;
        xty[i] = (xty[i] as number) + ri * yr;
        for (let j = i; j < d; j++) xtx[i * d + j] = (xtx[i * d + j] as number) + ri * (row[j] as number);
      }
    }
    for (let i = 0; i < d; i++) {
      xtx[i * d + i] = (xtx[i * d + i] as number) + this.params.alpha;
      for (let j = 0; j < i; j++) xtx[i * d + j] = xtx[j * d + i] as number;
    }
    this.coef = choleskySolve(xtx, xty, d);
    let b = yMean;
    for (let c = 0; c < d; c++) b -= (xMean[c] as number) * (this.coef[c] as number);
    this.intercept = b;
    return this;
  }

  predict(x: DenseMatrix): Float64Array {
    const { rows, cols, data } = x;
    if (cols !== this.coef.length) throw new Error(`the model has ${this.coef.length} features, X has ${cols}`);
    const out = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      let s = this.intercept;
      for (let c = 0; c < cols; c++) s += (data[r * cols + c] as number) * (this.coef[c] as number);
      out[r] = s;
    }
    return out;
  }
}
