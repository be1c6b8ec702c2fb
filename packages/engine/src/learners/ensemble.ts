import { type ArtifactContent, decodeArtifact, encodeArtifact } from '../artifact/artifact-format.js';
import type { FeatureMatrix } from '../linalg/csr-matrix.js';
import type { DenseMatrix } from '../linalg/dense-matrix.js';
import type { OnnxGraphBuilder } from '../onnx/onnx-graph-builder.js';
import { ScopedGraph } from '../onnx/scoped-graph.js';
import { type FitOptions, type Learner, type OnnxOutputs, takesSparse, withDefaults } from './learner.js';
import { createLearner, learnerDefinition, loadLearner } from './learner-registry.js';
import { argmaxRows } from './row-scores.js';

export type EnsembleParams = {
  task: 'classification' | 'regression';
  /** The members, each an algorithm with its params; their probabilities (or values) are averaged. */
  members: Array<{ algorithm: string; params: Record<string, unknown> }>;
  /** Each member's weight in the average (positive; default all equal). */
  weights: number[] | null;
};

/**
 * The average of a few learners fitted on the same rows, as `auto` builds it from the
 * best of its leaderboard (H2O's and AutoGluon's ensembles do more; an average of
 * different kinds of model already evens out their mistakes): class probabilities
 * averaged for classification, values for regression. It exports to ONNX when every
 * member does, each member's nodes under its own prefix.
 */
export class Ensemble implements Learner {
  readonly name = 'ensemble';
  readonly params: EnsembleParams;
  members: Learner[] = [];
  /** True when every member takes sparse rows (text features): the pipeline then keeps them sparse. */
  sparseInput: true | undefined;
  nFeatures = 0;
  nClasses = 0;

  constructor(params: Partial<EnsembleParams> = {}) {
    this.params = withDefaults(
      this.name,
      { task: 'classification', members: [], weights: null } as EnsembleParams,
      params,
    );
    const { task, members, weights } = this.params;
    if (task !== 'classification' && task !== 'regression')
      throw new Error('ensemble: task must be classification or regression');
    if (!Array.isArray(members) || members.length < 2 || members.length > 10)
      throw new Error('ensemble: members must list 2 to 10 learners ({algorithm, params})');
    if (
      weights !== null &&
      !(
        Array.isArray(weights) &&
        weights.length === members.length &&
        weights.every((w) => Number.isFinite(w) && w > 0)
      )
    )
      throw new Error('ensemble: weights must be one positive number per member');
    for (const m of members) {
      if (m?.algorithm === this.name) throw new Error('ensemble: a member cannot be an ensemble');
      const def = learnerDefinition(String(m?.algorithm));
      if (!def.tasks.includes(task)) throw new Error(`ensemble: ${m.algorithm} cannot learn ${task}`);
    }
    this.members = members.map((m) => this.create(m.algorithm, m.params ?? {}));
    this.sparseInput = this.members.every(takesSparse) ? true : undefined;
  }

  get task(): 'classification' | 'regression' {
    return this.params.task;
  }

  /** Each member's share of the average (the weights, normalised). */
  private get shares(): number[] {
    const w = this.params.weights ?? this.members.map(() => 1);
    const total = w.reduce((a, b) => a + b, 0);
    return w.map((v) => v / total);
  }

  private create(algorithm: string, params: Record<string, unknown>): Learner {
    const def = learnerDefinition(algorithm);
    return createLearner(algorithm, def.tasks.length > 1 ? { task: this.params.task, ...params } : params);
  }

  // Dense rows, or sparse ones when every member takes them (sparseInput).
  fit(x: FeatureMatrix, y: ArrayLike<number>, opts: FitOptions = {}): this {
    this.nFeatures = x.cols;
    if (this.task === 'classification') {
      let k = 0;
      for (let i = 0; i < y.length; i++) k = Math.max(k, (y[i] as number) + 1);
      this.nClasses = k;
    }
    const n = this.members.length;
    if (opts.sampleWeight) {
      const deaf = this.members.find((m) => !learnerDefinition(m.name).sampleWeights);
      if (deaf) throw new Error(`ensemble: its member ${deaf.name} does not take class weights`);
    }
    this.members.forEach((m, i) => {
      opts.signal?.throwIfAborted();
      m.fit(x as DenseMatrix, y, {
        ...opts,
        onProgress: (p) =>
          opts.onProgress?.({ ...p, fraction: (i + p.fraction) / n, stage: `member ${i + 1}: ${p.stage}` }),
      });
    });
    return this;
  }

  predictProba(x: FeatureMatrix): Float64Array {
    if (this.task !== 'classification')
      throw new Error('the ensemble was fitted for regression: there are no probabilities');
    const out = new Float64Array(x.rows * this.nClasses);
    const shares = this.shares;
    this.members.forEach((m, j) => {
      if (!m.predictProba) throw new Error(`ensemble: ${m.name} gives no probabilities`);
      const p = m.predictProba(x as DenseMatrix);
      const share = shares[j] as number;
      for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) + share * (p[i] as number);
    });
    return out;
  }

  predict(x: FeatureMatrix): Int32Array | Float64Array {
    if (this.task === 'classification') return argmaxRows(this.predictProba(x), x.rows, this.nClasses);
    const out = new Float64Array(x.rows);
    const shares = this.shares;
    this.members.forEach((m, j) => {
      const v = m.predict(x as DenseMatrix);
      const share = shares[j] as number;
      for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) + share * (v[i] as number);
    });
    return out;
  }

  toArtifact(): Uint8Array {
    return encodeArtifact({
      learner: this.name,
      params: this.params as unknown as Record<string, unknown>,
      state: { nFeatures: this.nFeatures, nClasses: this.nClasses },
      arrays: Object.fromEntries(this.members.map((m, i) => [`member${i}`, m.toArtifact()])),
    });
  }

  static fromArtifact(content: ArtifactContent | Uint8Array): Ensemble {
    const c = content instanceof Uint8Array ? decodeArtifact(content) : content;
    const e = new Ensemble(c.params as Partial<EnsembleParams>);
    e.nFeatures = c.state.nFeatures as number;
    e.nClasses = c.state.nClasses as number;
    e.members = e.members.map((_, i) => loadLearner(c.arrays[`member${i}`] as Uint8Array));
    e.sparseInput = e.members.every(takesSparse) ? true : undefined;
    return e;
  }

  /** Each member's nodes under `ens{i}_`, each scaled by its share, then Sum; ArgMax for the label. */
  addOnnxNodes(graph: OnnxGraphBuilder, input: string): OnnxOutputs {
    const shares = this.shares;
    const parts = this.members.map((m, i) => {
      const scoped = new ScopedGraph(graph, `ens${i}_`, new Set([input]));
      const out = m.addOnnxNodes(scoped, input);
      const name = this.task === 'classification' ? out.probabilities : out.value;
      if (!name)
        throw new Error(`ensemble: ${m.name} exports no ${this.task === 'classification' ? 'probabilities' : 'value'}`);
      graph
        .initializer({ name: `ens${i}_share`, datatype: 'FP32', dims: [], values: [shares[i] as number] })
        .node('Mul', [scoped.scoped(name), `ens${i}_share`], [`ens${i}_weighted`]);
      return `ens${i}_weighted`;
    });
    if (this.task === 'regression') {
      graph.node('Sum', parts, ['value']);
      return { value: 'value' };
    }
    graph
      .node('Sum', parts, ['probabilities'])
      .node('ArgMax', ['probabilities'], ['label'], { axis: { int: 1 }, keepdims: { int: 0 } });
    return { label: 'label', probabilities: 'probabilities' };
  }
}
