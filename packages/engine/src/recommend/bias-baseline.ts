import { type FitOptions, withDefaults } from '../learners/learner.js';
import type { Interactions } from './interactions.js';
import type { Recommender, StoredRecommenderState } from './recommender.js';

export type BiasBaselineParams = {
  /** Shrinkage of the user and item biases toward 0 (pseudo-ratings). */
  regUser: number;
  regItem: number;
  epochs: number;
};

export const BIAS_BASELINE_DEFAULTS: BiasBaselineParams = { regUser: 15, regItem: 10, epochs: 10 };

/**
 * The baseline of explicit ratings: r̂ = μ + b_u + b_i, the biases fitted by alternating
 * least squares (each one the shrunk mean residual; as Surprise's BaselineOnly with
 * method='als'), item biases first in each epoch.
 */
export class BiasBaseline implements Recommender {
  readonly name = 'biases';
  readonly feedback = 'explicit';
  readonly params: BiasBaselineParams;
  mean = 0;
  userBias: Float64Array = new Float64Array(0);
  itemBias: Float64Array = new Float64Array(0);

  constructor(params: Partial<BiasBaselineParams> = {}) {
    this.params = withDefaults(this.name, BIAS_BASELINE_DEFAULTS, params);
    const p = this.params;
    if (!(p.regUser >= 0 && p.regItem >= 0 && Number.isInteger(p.epochs) && p.epochs >= 1)) {
      throw new Error('biases: regUser, regItem ≥ 0 and epochs ≥ 1');
    }
  }

  fit(data: Interactions, opts: FitOptions = {}): this {
    const n = data.length;
    let sum = 0;
    for (let t = 0; t < n; t++) sum += data.value[t] as number;
    this.mean = n > 0 ? sum / n : 0;
    const bu = new Float64Array(data.nUsers);
    const bi = new Float64Array(data.nItems);
    const acc = (size: number) => ({ s: new Float64Array(size), c: new Float64Array(size) });
    for (let e = 0; e < this.params.epochs; e++) {
      opts.signal?.throwIfAborted();
      const items = acc(data.nItems);
      for (let t = 0; t < n; t++) {
        const i = data.i[t] as number;
        items.s[i] =
          (items.s[i] as number) + (data.value[t] as number) - this.mean - (bu[data.u[t] as number] as number);
        items.c[i] = (items.c[i] as number) + 1;
      }
      for (let i = 0; i < bi.length; i++)
        bi[i] = (items.s[i] as number) / (this.params.regItem + (items.c[i] as number));
      const users = acc(data.nUsers);
      for (let t = 0; t < n; t++) {
        const u = data.u[t] as number;
        users.s[u] =
          (users.s[u] as number) + (data.value[t] as number) - this.mean - (bi[data.i[t] as number] as number);
        users.c[u] = (users.c[u] as number) + 1;
      }
      for (let u = 0; u < bu.length; u++)
        bu[u] = (users.s[u] as number) / (this.params.regUser + (users.c[u] as number));
      opts.onProgress?.({ stage: 'epoch', fraction: (e + 1) / this.params.epochs });
    }
    this.userBias = bu;
    this.itemBias = bi;
    return this;
  }

  predictRating(user: number, item: number): number {
    return (
      this.mean + (user >= 0 ? (this.userBias[user] as number) : 0) + (item >= 0 ? (this.itemBias[item] as number) : 0)
    );
  }

  scoreItems(user: number): Float64Array {
    return Float64Array.from({ length: this.itemBias.length }, (_, i) => this.predictRating(user, i));
  }

  state() {
    return { numbers: { mean: this.mean }, arrays: { userBias: this.userBias, itemBias: this.itemBias } };
  }

  static restore(params: Partial<BiasBaselineParams>, s: StoredRecommenderState): BiasBaseline {
    const m = new BiasBaseline(params);
    m.mean = s.numbers.mean as number;
    m.userBias = s.arrays.userBias as Float64Array;
    m.itemBias = s.arrays.itemBias as Float64Array;
    return m;
  }
}
