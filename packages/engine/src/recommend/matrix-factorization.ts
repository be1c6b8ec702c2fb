import { type FitOptions, withDefaults } from '../learners/learner.js';
import { Rng } from '../random/rng.js';
import type { Interactions } from './interactions.js';
import type { Recommender, StoredRecommenderState } from './recommender.js';

export type MatrixFactorizationParams = {
  factors: number;
  /** SGD epochs for the factors. */
  epochs: number;
  learningRate: number;
  /** L2 on the factors. */
  reg: number;
  /** Shrinkage of the user, item and item×context biases toward 0, in pseudo-ratings. */
  regUser: number;
  regItem: number;
  regContext: number;
  /** Alternating passes fitting the biases. */
  biasEpochs: number;
  /** Standard deviation of the initial factors. */
  initStd: number;
  /**
   * Share of the ratings held out to choose what was not given (the biases' shrinkage,
   * factors, their regularisation and epochs, or no factors at all); 0: fit as given.
   */
  validation: number;
};

/** What the validation split chose, and why. */
export interface MatrixFactorizationSelection extends Record<string, unknown> {
  validationShare: number;
  /** RMSE on the validation ratings of the best biases-only model and of the best factor model (null: none tried). */
  biasesRmse: number;
  factorsRmse: number | null;
  /** `biases`: no factor model beat the biases, so the version has none. */
  chosen: 'biases' | 'factors';
  params: Pick<MatrixFactorizationParams, 'factors' | 'epochs' | 'reg' | 'regUser' | 'regItem' | 'regContext'>;
}

/** Candidates tried on the validation split for the parameters not given. */
const BIAS_SHRINKAGE = [5, 10, 15, 25];
const CONTEXT_SHRINKAGE = [10, 20, 40];
const FACTOR_SETTINGS: Array<{ factors: number; reg: number }> = [
  { factors: 5, reg: 0.05 },
  { factors: 10, reg: 0.1 },
  { factors: 20, reg: 0.3 },
];
const MAX_EPOCHS = 60;
const PATIENCE = 3;
/** The relative validation RMSE gain factors must bring to be kept. */
const MIN_GAIN = 0.002;
/** Data this small is fitted as given: a validation split would say little. */
const MIN_RATINGS_TO_SELECT = 500;

export const MATRIX_FACTORIZATION_DEFAULTS: MatrixFactorizationParams = {
  factors: 10,
  epochs: 15,
  learningRate: 0.005,
  reg: 0.1,
  regUser: 15,
  regItem: 10,
  regContext: 20,
  biasEpochs: 15,
  initStd: 0.05,
  validation: 0.1,
};

/**
 * Biased matrix factorisation for explicit ratings (Koren, Bell, Volinsky 2009):
 * r̂ = μ + b_u + b_i + Σ_c b_(i, c) + p_u·q_i. The biases come first, by alternating
 * shrunk means (Koren 2010), including one per item and value of each context column the
 * data has (a course's semester, a device): how an item is rated in that context. Then the
 * factors learn the residual by SGD, ratings in a new random order each epoch. Unknown
 * users, items or context values contribute nothing.
 *
 * What the request does not fix is chosen on a validation split of the training ratings
 * (`validation`, 10%): the biases' shrinkage, then the factors, their regularisation and
 * their epochs (stopped when the validation RMSE stops improving). When no factor model
 * beats the biases there, the model has no factors: it never does worse than the
 * baseline it is built on. `selection` says what was chosen.
 */
export class MatrixFactorization implements Recommender {
  readonly name = 'matrix-factorization';
  readonly feedback = 'explicit';
  /** The params fitted with: as given, completed by the validation split's choices once fitted. */
  params: MatrixFactorizationParams;
  selection: MatrixFactorizationSelection | undefined;
  private readonly given: Set<string>;
  mean = 0;
  userBias: Float64Array = new Float64Array(0);
  itemBias: Float64Array = new Float64Array(0);
  /** Per context column: biases [nItems × nValues]. */
  contextBias: Float64Array[] = [];
  contextSizes: number[] = [];
  /** [nUsers × factors], [nItems × factors] */
  userFactors: Float64Array = new Float64Array(0);
  itemFactors: Float64Array = new Float64Array(0);

  constructor(params: Partial<MatrixFactorizationParams> = {}) {
    this.params = withDefaults(this.name, MATRIX_FACTORIZATION_DEFAULTS, params);
    this.given = new Set(Object.keys(params));
    const p = this.params;
    if (!(p.validation >= 0 && p.validation < 0.5))
      throw new Error('matrix-factorization: validation must be in [0, 0.5)');
    if (!(Number.isInteger(p.factors) && p.factors >= 0 && Number.isInteger(p.epochs) && p.epochs >= 0)) {
      throw new Error('matrix-factorization: factors and epochs must be integers ≥ 0');
    }
    if (
      !(p.learningRate > 0 && p.reg >= 0 && p.initStd >= 0 && p.regUser >= 0 && p.regItem >= 0 && p.regContext >= 0)
    ) {
      throw new Error('matrix-factorization: learningRate > 0; reg, regUser, regItem, regContext, initStd ≥ 0');
    }
    if (!(Number.isInteger(p.biasEpochs) && p.biasEpochs >= 1)) throw new Error('matrix-factorization: biasEpochs ≥ 1');
  }

  fit(data: Interactions, opts: FitOptions = {}): this {
    if (this.params.validation > 0 && data.length >= MIN_RATINGS_TO_SELECT) this.select(data, opts);
    return this.fitWith(data, opts);
  }

  /** The fit itself, with the params as they are; `afterEpoch` may stop the factors' epochs early. */
  private fitWith(
    data: Interactions,
    opts: FitOptions,
    afterEpoch?: (m: MatrixFactorization, epoch: number) => boolean,
  ): this {
    const n = data.length;
    let sum = 0;
    for (let t = 0; t < n; t++) sum += data.value[t] as number;
    this.mean = n > 0 ? sum / n : 0;
    this.fitBiases(data, opts);
    const residual = Float64Array.from({ length: n }, (_, t) => (data.value[t] as number) - this.biasOf(data, t));
    this.fitFactors(data, residual, opts, afterEpoch);
    return this;
  }

  /** Chooses, on a validation split, every setting the request left open (see the class comment). */
  private select(data: Interactions, opts: FitOptions): void {
    const p = this.params;
    const n = data.length;
    const order = new Rng((opts.seed ?? 0) + 7919).shuffle(Int32Array.from({ length: n }, (_, t) => t));
    const nVal = Math.round(n * p.validation);
    const val = data.take(order.subarray(0, nVal));
    const fitData = data.take(order.subarray(nVal));
    const rmse = (m: MatrixFactorization) => {
      let se = 0;
      const ctx = new Int32Array(val.context.length);
      for (let t = 0; t < val.length; t++) {
        for (let j = 0; j < ctx.length; j++) ctx[j] = (val.context[j] as { codes: Int32Array }).codes[t] as number;
        const e = m.predictRating(val.u[t] as number, val.i[t] as number, ctx) - (val.value[t] as number);
        se += e * e;
      }
      return Math.sqrt(se / Math.max(1, val.length));
    };
    const open = (name: keyof MatrixFactorizationParams) => !this.given.has(name);
    const fitted = (
      q: Partial<MatrixFactorizationParams>,
      epochHook?: (m: MatrixFactorization, epoch: number) => boolean,
    ) => {
      opts.signal?.throwIfAborted();
      const m = new MatrixFactorization({ ...p, ...q, validation: 0 });
      m.fitWith(fitData, { seed: opts.seed }, epochHook);
      return m;
    };
    // The biases' shrinkage first (user × item, then context), on biases alone.
    let bias = { regUser: p.regUser, regItem: p.regItem, regContext: p.regContext };
    let biasesRmse = Number.POSITIVE_INFINITY;
    for (const regUser of open('regUser') ? BIAS_SHRINKAGE : [p.regUser]) {
      for (const regItem of open('regItem') ? BIAS_SHRINKAGE : [p.regItem]) {
        const r = rmse(fitted({ ...bias, regUser, regItem, factors: 0 }));
        if (r < biasesRmse) [biasesRmse, bias] = [r, { ...bias, regUser, regItem }];
      }
    }
    if (data.context.length > 0 && open('regContext')) {
      for (const regContext of CONTEXT_SHRINKAGE) {
        const r = rmse(fitted({ ...bias, regContext, factors: 0 }));
        if (r < biasesRmse) [biasesRmse, bias] = [r, { ...bias, regContext }];
      }
    }
    opts.onProgress?.({ stage: 'select', fraction: 0.2, metrics: { biasesRmse } });
    // Then factor models over those biases, each stopped when the validation RMSE stops improving.
    const settings = (open('factors') ? FACTOR_SETTINGS : [{ factors: p.factors, reg: p.reg }])
      .map((s) => ({ factors: s.factors, reg: open('reg') ? s.reg : p.reg }))
      .filter((s) => s.factors > 0);
    let best: { factors: number; reg: number; epochs: number; rmse: number } | undefined;
    for (const s of settings) {
      let bestEpoch = { epochs: 0, rmse: Number.POSITIVE_INFINITY };
      fitted({ ...bias, ...s, epochs: open('epochs') ? MAX_EPOCHS : p.epochs }, (m, epoch) => {
        const r = rmse(m);
        if (r < bestEpoch.rmse) bestEpoch = { epochs: epoch + 1, rmse: r };
        return epoch + 1 - bestEpoch.epochs < PATIENCE;
      });
      if (!best || bestEpoch.rmse < best.rmse) best = { ...s, ...bestEpoch };
    }
    opts.onProgress?.({
      stage: 'select',
      fraction: 0.4,
      metrics: { biasesRmse, factorsRmse: best?.rmse ?? Number.NaN },
    });
    // Factors asked for by name stay; chosen ones must beat the biases by more than
    // chance does (fitting noise on 10% of the ratings moves the RMSE by hundredths of
    // a percent).
    const withFactors = best !== undefined && (best.rmse < biasesRmse * (1 - MIN_GAIN) || !open('factors'));
    const chosen = {
      ...bias,
      factors: withFactors ? (best?.factors as number) : 0,
      reg: withFactors ? (best?.reg as number) : p.reg,
      epochs: withFactors ? (open('epochs') ? (best?.epochs as number) : p.epochs) : 0,
    };
    this.params = { ...p, ...chosen };
    this.selection = {
      validationShare: p.validation,
      biasesRmse,
      factorsRmse: best?.rmse ?? null,
      chosen: withFactors ? 'factors' : 'biases',
      params: chosen,
    };
  }

  /** Backfitting: each bias term the shrunk mean of what the others leave. */
  private fitBiases(data: Interactions, opts: FitOptions): void {
    const n = data.length;
    const nItems = data.nItems;
    this.userBias = new Float64Array(data.nUsers);
    this.itemBias = new Float64Array(nItems);
    this.contextSizes = data.context.map((c) => c.values.length);
    this.contextBias = data.context.map((c) => new Float64Array(nItems * c.values.length));
    const { regUser, regItem, regContext, biasEpochs } = this.params;
    const terms: Array<{ bias: Float64Array; key: (t: number) => number; reg: number }> = [
      { bias: this.itemBias, key: (t) => data.i[t] as number, reg: regItem },
      { bias: this.userBias, key: (t) => data.u[t] as number, reg: regUser },
      ...data.context.map((c, j) => ({
        bias: this.contextBias[j] as Float64Array,
        key: (t: number) => (data.i[t] as number) * c.values.length + (c.codes[t] as number),
        reg: regContext,
      })),
    ];
    for (let e = 0; e < biasEpochs; e++) {
      opts.signal?.throwIfAborted();
      for (const term of terms) {
        const s = new Float64Array(term.bias.length);
        const c = new Float64Array(term.bias.length);
        for (let t = 0; t < n; t++) {
          const k = term.key(t);
          s[k] = (s[k] as number) + (data.value[t] as number) - this.biasOf(data, t) + (term.bias[k] as number);
          c[k] = (c[k] as number) + 1;
        }
        for (let k = 0; k < s.length; k++) term.bias[k] = (s[k] as number) / (term.reg + (c[k] as number));
      }
      opts.onProgress?.({ stage: 'biases', fraction: (0.5 * (e + 1)) / biasEpochs });
    }
  }

  private fitFactors(
    data: Interactions,
    residual: Float64Array,
    opts: FitOptions,
    afterEpoch?: (m: MatrixFactorization, epoch: number) => boolean,
  ): void {
    const { factors: f, epochs, learningRate: lr, reg } = this.params;
    const n = data.length;
    const rng = new Rng(opts.seed ?? 0);
    this.userFactors = Float64Array.from({ length: data.nUsers * f }, () => rng.normal() * this.params.initStd);
    this.itemFactors = Float64Array.from({ length: data.nItems * f }, () => rng.normal() * this.params.initStd);
    const P = this.userFactors;
    const Q = this.itemFactors;
    const order = Int32Array.from({ length: n }, (_, t) => t);
    for (let epoch = 0; epoch < epochs && f > 0; epoch++) {
      opts.signal?.throwIfAborted();
      rng.shuffle(order);
      let loss = 0;
      for (let s = 0; s < n; s++) {
        const t = order[s] as number;
        const pu = (data.u[t] as number) * f;
        const qi = (data.i[t] as number) * f;
        let dot = 0;
        for (let k = 0; k < f; k++) dot += (P[pu + k] as number) * (Q[qi + k] as number);
        const e = (residual[t] as number) - dot;
        loss += e * e;
        for (let k = 0; k < f; k++) {
          const p = P[pu + k] as number;
          const q = Q[qi + k] as number;
          P[pu + k] = p + lr * (e * q - reg * p);
          Q[qi + k] = q + lr * (e * p - reg * q);
        }
      }
      opts.onProgress?.({
        stage: 'epoch',
        fraction: 0.5 + (0.5 * (epoch + 1)) / epochs,
        metrics: { rmse: Math.sqrt(loss / Math.max(1, n)) },
      });
      if (afterEpoch && !afterEpoch(this, epoch)) break;
    }
  }

  /** μ plus every bias of training interaction t. */
  private biasOf(data: Interactions, t: number): number {
    const i = data.i[t] as number;
    let r = this.mean + (this.userBias[data.u[t] as number] as number) + (this.itemBias[i] as number);
    for (let j = 0; j < data.context.length; j++) {
      r += (this.contextBias[j] as Float64Array)[
        i * (this.contextSizes[j] as number) + ((data.context[j] as { codes: Int32Array }).codes[t] as number)
      ] as number;
    }
    return r;
  }

  predictRating(user: number, item: number, context?: ArrayLike<number>): number {
    const f = this.params.factors;
    let r = this.mean;
    if (user >= 0) r += this.userBias[user] as number;
    if (item >= 0) {
      r += this.itemBias[item] as number;
      for (let j = 0; j < this.contextBias.length; j++) {
        const code = context?.[j] ?? -1;
        if (code >= 0)
          r += (this.contextBias[j] as Float64Array)[item * (this.contextSizes[j] as number) + code] as number;
      }
    }
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
    const arrays: Record<string, Float64Array | Int32Array> = {
      userBias: this.userBias,
      itemBias: this.itemBias,
      userFactors: this.userFactors,
      itemFactors: this.itemFactors,
      contextSizes: Int32Array.from(this.contextSizes),
    };
    this.contextBias.forEach((b, j) => {
      arrays[`contextBias${j}`] = b;
    });
    return { numbers: { mean: this.mean }, arrays };
  }

  static restore(params: Partial<MatrixFactorizationParams>, s: StoredRecommenderState): MatrixFactorization {
    const m = new MatrixFactorization(params);
    m.mean = s.numbers.mean as number;
    m.userBias = s.arrays.userBias as Float64Array;
    m.itemBias = s.arrays.itemBias as Float64Array;
    m.userFactors = s.arrays.userFactors as Float64Array;
    m.itemFactors = s.arrays.itemFactors as Float64Array;
    m.contextSizes = Array.from((s.arrays.contextSizes as Int32Array | undefined) ?? []);
    m.contextBias = m.contextSizes.map((_, j) => s.arrays[`contextBias${j}`] as Float64Array);
    return m;
  }
}
