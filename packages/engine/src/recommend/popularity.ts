import { withDefaults } from '../learners/learner.js';
import type { Interactions } from './interactions.js';
import type { Recommender } from './recommender.js';

export type PopularityParams = {
  /** `count` of interactions per item, or `sum` of their values. Default count. */
  by: 'count' | 'sum';
};

export const POPULARITY_DEFAULTS: PopularityParams = { by: 'count' };

/** The baseline: every user gets the most popular items. */
export class Popularity implements Recommender {
  readonly name = 'popularity';
  readonly feedback = 'implicit';
  readonly params: PopularityParams;
  scores: Float64Array = new Float64Array(0);

  constructor(params: Partial<PopularityParams> = {}) {
    this.params = withDefaults(this.name, POPULARITY_DEFAULTS, params);
    if (this.params.by !== 'count' && this.params.by !== 'sum') throw new Error('popularity: by must be count or sum');
  }

  fit(data: Interactions): this {
    this.scores = new Float64Array(data.nItems);
    for (let t = 0; t < data.length; t++) {
      const i = data.i[t] as number;
      this.scores[i] = (this.scores[i] as number) + (this.params.by === 'count' ? 1 : (data.value[t] as number));
    }
    return this;
  }

  scoreItems(): Float64Array {
    return this.scores.slice();
  }

  state() {
    return { numbers: {}, arrays: { scores: this.scores } };
  }

  static restore(params: Partial<PopularityParams>, s: { arrays: Record<string, unknown> }): Popularity {
    const m = new Popularity(params);
    m.scores = s.arrays.scores as Float64Array;
    return m;
  }
}
