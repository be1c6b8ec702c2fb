import { type ArtifactContent, decodeArtifact, encodeArtifact } from '../artifact/artifact-format.js';
import { choleskySolve } from '../linalg/cholesky.js';
import type { DenseMatrix } from '../linalg/dense-matrix.js';
import type { OnnxGraphBuilder } from '../onnx/onnx-graph-builder.js';
import { type FitOptions, type Learner, type OnnxOutputs, withDefaults } from './learner.js';

export type LinearRegressionParams = {
  /** L2 penalty on the coefficients (not the intercept); 0 is ordinary least squares. Default 0. */
  alpha: number;
  /** Fit an intercept by centring X and y. Default true. */
  fitIntercept: boolean;
};

export const LINEAR_REGRESSION_DEFAULTS: LinearRegressionParams = { alpha: 0, fitIntercept: true };

/**
 * Least squares and ridge regression in closed form: with X and y centred,
 * (XᵀX + αI) w = Xᵀy, solved by Cholesky; intercept = ȳ − x̄·w. The same solution
 * scikit-learn's LinearRegression and Ridge(solver='cholesky') reach.
 */
export class LinearRegression implements Learner {
  readonly task = 'regression';
  readonly params: LinearRegressionParams;
  coef: Float64Array = new Float64Array(0);
  intercept = 0;

  /** `name` is "linear-regression" or "ridge" (alpha 1 by default), as registered. */
  constructor(
    params: Partial<LinearRegressionParams> = {},
    readonly name: 'linear-regression' | 'ridge' = 'linear-regression',
  ) {
    const defaults = name === 'ridge' ? { ...LINEAR_REGRESSION_DEFAULTS, alpha: 1 } : LINEAR_REGRESSION_DEFAULTS;
    this.params = withDefaults(name, defaults, params);
    if (!(typeof this.params.alpha === 'number' && this.params.alpha >= 0))
      throw new Error('alpha must be a number >= 0');
  }

  get nFeatures(): number {
    return this.coef.length;
  }

  fit(x: DenseMatrix, y: ArrayLike<number>, _opts: FitOptions = {}): this {
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

  toArtifact(): Uint8Array {
    return encodeArtifact({
      learner: this.name,
      params: { ...this.params },
      state: { intercept: this.intercept },
      arrays: { coef: this.coef },
    });
  }

  static fromArtifact(content: ArtifactContent | Uint8Array): LinearRegression {
    const c = content instanceof Uint8Array ? decodeArtifact(content) : content;
    const m = new LinearRegression(
      c.params as Partial<LinearRegressionParams>,
      c.learner as 'linear-regression' | 'ridge',
    );
    m.coef = c.arrays.coef as Float64Array;
    m.intercept = c.state.intercept as number;
    return m;
  }

  addOnnxNodes(graph: OnnxGraphBuilder, input: string): OnnxOutputs {
    graph
      .opset('ai.onnx.ml', 3)
      .node(
        'LinearRegressor',
        [input],
        ['lr_value_2d'],
        { coefficients: { floats: this.coef }, intercepts: { floats: [this.intercept] }, targets: { int: 1 } },
        'ai.onnx.ml',
      )
      .initializer({ name: 'lr_flat_shape', datatype: 'INT64', dims: [1], values: [-1] })
      .node('Reshape', ['lr_value_2d', 'lr_flat_shape'], ['value']);
    return { value: 'value' };
  }
}
