import { type ArtifactContent, decodeArtifact, encodeArtifact } from '../artifact/artifact-format.js';
import type { FitOptions, Learner, OnnxOutputs } from '../learners/learner.js';
import type { DenseMatrix } from '../linalg/dense-matrix.js';
import type { OnnxGraphBuilder } from '../onnx/onnx-graph-builder.js';
import { Rng } from '../random/rng.js';
import { FeatureBinner } from './feature-binner.js';
import { growTrees } from './parallel-tree-growth.js';
import { TreeEnsemble } from './tree-ensemble.js';
import type { TreeJob } from './tree-job.js';

export type MaxFeatures = null | 'sqrt' | 'log2' | number;

/** Parameters every tree learner shares. */
export type TreeParams = {
  /** 'classification' (gini) or 'regression' (squared error). */
  task: 'classification' | 'regression';
  /** null: grow until leaves are pure or too small. */
  maxDepth: number | null;
  minSamplesSplit: number;
  minSamplesLeaf: number;
  /** Features tried per split: null (all), 'sqrt', 'log2', a count (≥ 1) or a fraction (< 1). */
  maxFeatures: MaxFeatures;
  /** Histogram bins per feature (features with fewer distinct values are binned exactly). */
  maxBins: number;
};

export function validateTreeParams(name: string, p: TreeParams): void {
  if (p.task !== 'classification' && p.task !== 'regression')
    throw new Error(`${name}: task must be classification or regression`);
  if (p.maxDepth !== null && !(Number.isInteger(p.maxDepth) && p.maxDepth >= 1))
    throw new Error(`${name}: maxDepth must be null or >= 1`);
  if (!(Number.isInteger(p.minSamplesSplit) && p.minSamplesSplit >= 2))
    throw new Error(`${name}: minSamplesSplit must be >= 2`);
  if (!(Number.isInteger(p.minSamplesLeaf) && p.minSamplesLeaf >= 1))
    throw new Error(`${name}: minSamplesLeaf must be >= 1`);
  const mf = p.maxFeatures;
  if (!(mf === null || mf === 'sqrt' || mf === 'log2' || (typeof mf === 'number' && mf > 0))) {
    throw new Error(`${name}: maxFeatures must be null, 'sqrt', 'log2' or a positive number`);
  }
}

export function featuresPerSplit(mf: MaxFeatures, d: number): number {
  if (mf === null) return d;
  if (mf === 'sqrt') return Math.max(1, Math.floor(Math.sqrt(d)));
  if (mf === 'log2') return Math.max(1, Math.floor(Math.log2(d)));
  return mf < 1 ? Math.max(1, Math.floor(mf * d)) : Math.min(d, Math.floor(mf));
}

/**
 * What the decision tree and the random forest have in common: binning, growing trees
 * with `growTree`, and everything after the fit (through TreeEnsemble). Subclasses say
 * how many trees, on which rows.
 */
export abstract class TreeEnsembleLearner<P extends TreeParams> implements Learner {
  abstract readonly name: string;
  ensemble: TreeEnsemble | undefined;
  /** How many trees of the last fit worker threads grew (the rest grew on the calling thread). */
  treesGrownByWorkers = 0;

  constructor(readonly params: P) {}

  get task(): 'classification' | 'regression' {
    return this.params.task;
  }

  get nFeatures(): number {
    return this.ensemble?.nFeatures ?? 0;
  }

  protected abstract treeCount(): number;
  /** Whether each tree sees a bootstrap sample (else every row once). */
  protected abstract bootstrap(): boolean;
  /** Threads to grow trees on (1: this thread only). */
  protected threads(): number {
    return 1;
  }

  fit(x: DenseMatrix, y: ArrayLike<number>, opts: FitOptions = {}): this {
    if (y.length !== x.rows) throw new Error(`X has ${x.rows} rows, y has ${y.length}`);
    const classification = this.params.task === 'classification';
    let k = 1;
    if (classification) for (let i = 0; i < y.length; i++) k = Math.max(k, (y[i] as number) + 1);
    const binner = new FeatureBinner(this.params.maxBins).fit(x);
    const rng = new Rng(opts.seed ?? 0);
    const n = this.treeCount();
    const job: TreeJob = {
      binned: binner.transform(x),
      thresholds: binner.thresholds,
      lows: binner.lows,
      highs: binner.highs,
      maxBins: this.params.maxBins,
      nRows: x.rows,
      nFeatures: x.cols,
      y: Float64Array.from(y),
      nClasses: k,
      growth: {
        criterion: classification ? 'gini' : 'squared_error',
        maxDepth: this.params.maxDepth ?? Number.POSITIVE_INFINITY,
        minSamplesSplit: this.params.minSamplesSplit,
        minSamplesLeaf: this.params.minSamplesLeaf,
        maxFeatures: featuresPerSplit(this.params.maxFeatures, x.cols),
      },
      bootstrap: this.bootstrap(),
      // One seed per tree, drawn in order: the same trees on any number of threads.
      seeds: Uint32Array.from({ length: n }, () => rng.nextUint32()),
      sampleWeight: opts.sampleWeight,
    };
    const { trees, grownByWorkers } = growTrees(job, this.threads(), {
      signal: opts.signal,
      onTree: (grown) => opts.onProgress?.({ stage: 'tree', fraction: grown / n, metrics: { trees: grown } }),
    });
    this.ensemble = new TreeEnsemble(trees, classification, classification ? k : 1, x.cols);
    this.treesGrownByWorkers = grownByWorkers;
    return this;
  }

  predict(x: DenseMatrix): Int32Array | Float64Array {
    const e = this.fitted(x);
    return e.classification ? e.predictClass(x) : e.predictValue(x);
  }

  predictProba(x: DenseMatrix): Float64Array {
    const e = this.fitted(x);
    if (!e.classification) throw new Error(`${this.name} was fitted for regression: there are no probabilities`);
    return e.predictProba(x);
  }

  toArtifact(): Uint8Array {
    const e = this.fitted();
    return encodeArtifact({
      learner: this.name,
      params: { ...this.params },
      state: { nClasses: e.nClasses, nFeatures: e.nFeatures },
      arrays: e.toSections(),
    });
  }

  addOnnxNodes(graph: OnnxGraphBuilder, input: string): OnnxOutputs {
    return this.fitted().addOnnxNodes(graph, input);
  }

  /** Fills a fresh learner from an artifact. */
  protected restore(content: ArtifactContent | Uint8Array): this {
    const c = content instanceof Uint8Array ? decodeArtifact(content) : content;
    this.ensemble = TreeEnsemble.fromSections(
      c.arrays,
      this.params.task === 'classification',
      c.state.nClasses as number,
      c.state.nFeatures as number,
    );
    return this;
  }

  private fitted(x?: DenseMatrix): TreeEnsemble {
    if (!this.ensemble) throw new Error(`${this.name} is not fitted`);
    if (x && x.cols !== this.ensemble.nFeatures) {
      throw new Error(`the model has ${this.ensemble.nFeatures} features, X has ${x.cols}`);
    }
    return this.ensemble;
  }
}
