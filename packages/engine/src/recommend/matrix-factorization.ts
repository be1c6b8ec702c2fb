import { type FitOptions, withDefaults } from '../learners/learner.js';
import { Rng } from '../random/rng.js';
import type { Interactions } from './interactions.js';
import type { Recommender } from './recommender.js';

export type MatrixFactorizationParams = {
  factors: number;
  epochs: number;
  learningRate: number;
  /** L2 on the factors. */
  reg: number;
  /** L2 on the user and item biases. */
  regBias: number;
  /** Standard deviation of the initial factors. */
  initStd: number;
};

export const MATRIX_FACTORIZATION_DEFAULTS: MatrixFactorizationParams = {
  factors: 10,
  epochs: 40,
  learningRate: 0.005,
  reg: 0.1,
  regBias: 0.05,
  initStd: 0.05,
};

/**
 * Biased matrix factorisation for explicit ratings (Koren, Bell, Volinsky 2009):
 * r̂ = μ + b_u + b_i + p_u·q_i, fitted by stochastic gradient descent on the squared
 * error with L2, ratings visited in a new random order each epoch. An unknown user or
 * item falls back to the biases that are known.
 */
export class MatrixFactorization implements Recommender {
  readonly name = 'matrix-factorization';
  readonly feedback = 'explicit';
  readonly params: MatrixFactorizationParams;
  mean = 0;
  userBias: Float64Array = new Float64Array(0);
  itemBias: Float64Array = new Float64Array(0);
  /** [nUsers × factors], [nItems × factors] */
  userFactors: Float64Array = new Float64Array(0);
  itemFactors: Float64Array = new Float64Array(0);

  constructor(params: Partial<MatrixFactorizationParams> = {}) {
    this.params = withDefaults(this.name, MATRIX_FACTORIZATION_DEFAULTS, params);
    const p = this.params;
    if (!(Number.isInteger(p.factors) && p.factors >= 1 && Number.isInteger(p.epochs) && p.epochs >= 1)) {
      throw new Error('matrix-factorization: factors and epochs must be positive integers');
    }
    if (!(p.learningRate > 0 && p.reg >= 0 && p.regBias >= 0 && p.initStd >= 0)) {
      throw new Error('matrix-factorization: learningRate > 0; reg, regBias, initStd ≥ 0');
    }
  }

  fit(data: Interactions, opts: FitOptions = {}): this {
    const { factors: f, epochs, learningRate: lr, reg, regBias } = this.params;
    const n = data.length;
    const rng = new Rng(opts.seed ?? 0);
    let sum = 0;
    for (let t = 0; t < n; t++) sum += data.value[t] as number;
    this.mean = n > 0 ? sum / n : 0;
    this.userBias = new Float64Array(data.nUsers);
    this.itemBias = new Float64Array(data.nItems);
    this.userFactors = Float64Array.from({ length: data.nUsers * f }, () => rng.normal() * this.params.initStd);
    this.itemFactors = Float64Array.from({ length: data.nItems * f }, () => rng.normal() * this.params.initStd);
    const P = this.userFactors;
    const Q = this.itemFactors;
    const order = Int32Array.from({ length: n }, (_, t) => t);
    for (let epoch = 0; epoch < epochs; epoch++) {
      opts.signal?.throwIfAborted();
      rng.shuffle(order);
      let loss = 0;
      for (let s = 0; s < n; s++) {
        const t = order[s] as number;
        const u = data.u[t] as number;
        const i = data.i[t] as number;
        const pu = u * f;
        const qi = i * f;
        let dot = 0;
        for (let k = 0; k < f; k++) dot += (P[pu + k] as number) * (Q[qi + k] as number);
        const e =
          (data.value[t] as number) - (this.mean + (this.userBias[u] as number) + (this.itemBias[i] as number) + dot);
        loss += e * e;
        this.userBias[u] = (this.userBias[u] as number) + lr * (e - regBias * (this.userBias[u] as number));
        this.itemBias[i] = (this.itemBias[i] as number) + lr * (e - regBias * (this.itemBias[i] as number));
        for (let k = 0; k < f; k++) {
          const p = P[pu + k] as number;
          const q = Q[qi + k] as number;
          P[pu + k] = p + lr * (e * q - reg * p);
          Q[qi + k] = q + lr * (e * p - reg * q);
        }
      }
      opts.onProgress?.({
        stage: 'epoch',
        fraction: (epoch + 1) / epochs,
        metrics: { rmse: Math.sqrt(loss / Math.max(1, n)) },
      });
    }
    return this;
  }

  predictRating(user: number, item: number): number {
    const f = this.params.factors;
    let r = this.mean;
    if (user >= 0) r += this.userBias[user] as number;
    if (item >= 0) r += this.itemBias[item] as number;
    if (user >= 0 && item >= 0) {
      for (let k = 0; k < f; k++)
        r += (this.userFactors[user * f + k] as number) * (this.itemFactors[item * f + k] as number);
    }
    return r;
  }

  scoreItems(user: number): Float64Array {
    return Float64Array.from({ length: this.itemBias.length }, (_, i) => this.predictRating(user, i));
  }

  state() {
    return {
      numbers: { mean: this.mean },
      arrays: {
        userBias: this.userBias,
        itemBias: this.itemBias,
        userFactors: this.userFactors,
        itemFactors: this.itemFactors,
      },
    };
  }

  static restore(
    params: Partial<MatrixFactorizationParams>,
    s: { numbers: Record<string, number>; arrays: Record<string, unknown> },
  ): MatrixFactorization {
    const m = new MatrixFactorization(params);
    m.mean = s.numbers.mean as number;
    m.userBias = s.arrays.userBias as Float64Array;
    m.itemBias = s.arrays.itemBias as Float64Array;
    m.userFactors = s.arrays.userFactors as Float64Array;
    m.itemFactors = s.arrays.itemFactors as Float64Array;
    return m;
  }
}
