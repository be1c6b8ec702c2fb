import { type ArtifactContent, decodeArtifact, encodeArtifact } from '../artifact/artifact-format.js';
import type { DenseMatrix } from '../linalg/dense-matrix.js';
import type { OnnxGraphBuilder } from '../onnx/onnx-graph-builder.js';
import { Rng } from '../random/rng.js';
import { siblingModule } from '../threads/module-worker.js';
import { runTasks, shared, threadCount } from '../threads/task-pool.js';
import { leafOf, type TreeArrays } from '../trees/decision-tree-model.js';
import { FeatureBinner } from '../trees/feature-binner.js';
import { type GradientClassTrees, growClassTree } from '../trees/gradient-class-trees.js';
import { histogramKey } from '../trees/gradient-histograms.js';
import { treeEnsembleAttributes } from '../trees/onnx-tree-attributes.js';
import { TreeEnsemble } from '../trees/tree-ensemble.js';
import { type FitOptions, type Learner, type OnnxOutputs, withDefaults } from './learner.js';
import { argmaxRows, softmaxRows } from './row-scores.js';

export type GradientBoostingParams = {
  task: 'classification' | 'regression';
  learningRate: number;
  /** Boosting iterations (trees per class). */
  maxIter: number;
  maxLeafNodes: number;
  maxDepth: number | null;
  minSamplesLeaf: number;
  l2Regularization: number;
  maxBins: number;
  /** Hold out validationFraction of the rows and stop when their loss stalls. */
  earlyStopping: boolean;
  validationFraction: number;
  nIterNoChange: number;
  tol: number;
  /** Threads growing a multiclass iteration's trees (one per class); 0: one per core. */
  nJobs: number;
};

/** scikit-learn HistGradientBoosting's defaults (early stopping off: pass earlyStopping to use it). */
export const GRADIENT_BOOSTING_DEFAULTS: GradientBoostingParams = {
  task: 'classification',
  learningRate: 0.1,
  maxIter: 100,
  maxLeafNodes: 31,
  maxDepth: null,
  minSamplesLeaf: 20,
  l2Regularization: 0,
  maxBins: 256,
  earlyStopping: false,
  validationFraction: 0.1,
  nIterNoChange: 10,
  tol: 1e-7,
  nJobs: 0,
};

/**
 * Histogram gradient-boosted trees: binary (log loss, one tree per iteration), multiclass
 * (softmax cross-entropy, one tree per class per iteration) and regression (squared
 * error), leaf-wise growth, optional early stopping on a held-out part.
 */
export class GradientBoosting implements Learner {
  readonly name = 'gradient-boosting';
  readonly params: GradientBoostingParams;
  nFeatures = 0;
  nClasses = 0;
  /** Raw-score outputs: 1 (binary, regression) or K. */
  outputs = 1;
  baseline: Float64Array = new Float64Array(0);
  /** trees[i] adds to output treeOutput[i]. */
  trees: TreeArrays[] = [];
  treeOutput: number[] = [];
  iterations = 0;
  /** Trees of the last fit grown on worker threads (multiclass only). */
  treesGrownByWorkers = 0;

  constructor(params: Partial<GradientBoostingParams> = {}) {
    this.params = withDefaults(this.name, GRADIENT_BOOSTING_DEFAULTS, params);
    const p = this.params;
    if (
      !(p.learningRate > 0 && p.maxIter >= 1 && p.maxLeafNodes >= 2 && p.minSamplesLeaf >= 1 && p.l2Regularization >= 0)
    ) {
      throw new Error('gradient-boosting: invalid parameters');
    }
    if (!(Number.isInteger(p.nJobs) && p.nJobs >= 0)) {
      throw new Error('gradient-boosting: nJobs must be an integer >= 0 (0: one thread per core)');
    }
  }

  get task(): 'classification' | 'regression' {
    return this.params.task;
  }

  fit(x: DenseMatrix, y: ArrayLike<number>, opts: FitOptions = {}): this {
    const p = this.params;
    const rng = new Rng(opts.seed ?? 0);
    let trainRows = Int32Array.from({ length: x.rows }, (_, i) => i);
    let validRows = new Int32Array(0);
    if (p.earlyStopping) {
      rng.shuffle(trainRows);
      const nValid = Math.max(1, Math.round(x.rows * p.validationFraction));
      validRows = trainRows.slice(0, nValid);
      trainRows = trainRows.slice(nValid);
    }
    const xt = subset(x, trainRows);
    const yt = Float64Array.from(trainRows, (r) => y[r] as number);
    // Row weights scale each row's gradient and hessian, and the baseline's counts.
    const sw = opts.sampleWeight;
    const wt = Float64Array.from(trainRows, (r) => (sw ? (sw[r] as number) : 1));
    const wv = Float64Array.from(validRows, (r) => (sw ? (sw[r] as number) : 1));
    const wSum = wt.reduce((a, b) => a + b, 0);
    const n = xt.rows;
    this.nFeatures = x.cols;
    const classification = this.task === 'classification';
    if (classification) {
      let k = 0;
      for (let i = 0; i < y.length; i++) k = Math.max(k, (y[i] as number) + 1);
      this.nClasses = k;
    }
    const outputs = classification && this.nClasses > 2 ? this.nClasses : 1;
    this.outputs = outputs;
    // Baseline raw scores.
    this.baseline = new Float64Array(outputs);
    if (!classification) this.baseline[0] = yt.reduce((a, v, i) => a + (wt[i] as number) * v, 0) / wSum;
    else {
      const counts = new Float64Array(this.nClasses);
      yt.forEach((v, i) => {
        counts[v] = (counts[v] as number) + (wt[i] as number);
      });
      const eps = 1e-15;
      if (outputs === 1) {
        const prior = Math.min(Math.max((counts[1] as number) / wSum, eps), 1 - eps);
        this.baseline[0] = Math.log(prior / (1 - prior));
      } else for (let c = 0; c < outputs; c++) this.baseline[c] = Math.log(Math.max((counts[c] as number) / wSum, eps));
    }
    const binner = new FeatureBinner(p.maxBins).fit(xt);
    const binned = binner.transform(xt);
    const raw = new Float64Array(n * outputs);
    for (let i = 0; i < n; i++) raw.set(this.baseline, i * outputs);
    const xv = subset(x, validRows);
    const yv = Float64Array.from(validRows, (r) => y[r] as number);
    const rawValid = new Float64Array(xv.rows * outputs);
    for (let i = 0; i < xv.rows; i++) rawValid.set(this.baseline, i * outputs);
    const growth = {
      maxLeafNodes: p.maxLeafNodes,
      maxDepth: p.maxDepth ?? Number.POSITIVE_INFINITY,
      minSamplesLeaf: p.minSamplesLeaf,
      l2: p.l2Regularization,
      minHessianToSplit: 1e-3,
      learningRate: p.learningRate,
    };
    const threads = threadCount(p.nJobs);
    const parallel = threads > 1 && outputs > 1;
    const job: GradientClassTrees = {
      binned: parallel ? shared(binned) : binned,
      thresholds: binner.thresholds,
      nRows: n,
      nFeatures: x.cols,
      grad: parallel ? shared(new Float64Array(n * outputs)) : new Float64Array(n * outputs),
      hess: parallel ? shared(new Float64Array(n * outputs)) : new Float64Array(n * outputs),
      growth,
      key: histogramKey(),
    };
    const prob = new Float64Array(n * outputs);
    // One tree grows in about 25 ns per row and feature (letters: 6 ms).
    const iterationMs = outputs * n * x.cols * 2.5e-5;
    this.trees = [];
    this.treeOutput = [];
    this.treesGrownByWorkers = 0;
    let bestValid = Number.POSITIVE_INFINITY;
    let stale = 0;
    for (let it = 0; it < p.maxIter; it++) {
      opts.signal?.throwIfAborted();
      if (outputs > 1) softmaxRows(raw, n, outputs, prob);
      const { grad, hess } = job;
      for (let c = 0; c < outputs; c++) {
        const at = c * n;
        for (let i = 0; i < n; i++) {
          const yi = yt[i] as number;
          let g: number;
          let h: number;
          if (!classification) {
            g = (raw[i] as number) - yi;
            h = 1;
          } else if (outputs === 1) {
            const pr = 1 / (1 + Math.exp(-(raw[i] as number)));
            g = pr - yi;
            h = pr * (1 - pr);
          } else {
            const pr = prob[i * outputs + c] as number;
            g = pr - (yi === c ? 1 : 0);
            h = pr * (1 - pr);
          }
          if (sw) {
            g *= wt[i] as number;
            h *= wt[i] as number;
          }
          grad[at + i] = g;
          hess[at + i] = h;
        }
      }
      // The classes' trees of one iteration are independent: grown on the worker pool.
      const { results: trees, ranOnWorkers } = runTasks(
        {
          module: siblingModule(import.meta.url, '../trees/gradient-class-trees'),
          exportName: 'growClassTree',
          input: job,
          count: outputs,
          runHere: (c) => growClassTree(job, c),
        },
        parallel ? threads : 1,
        { estimateMs: iterationMs, signal: opts.signal },
      );
      this.treesGrownByWorkers += ranOnWorkers;
      for (const [c, { tree, rowLeaf }] of trees.entries()) {
        this.trees.push(tree);
        this.treeOutput.push(c);
        for (let i = 0; i < n; i++) {
          raw[i * outputs + c] = (raw[i * outputs + c] as number) + (tree.value[rowLeaf[i] as number] as number);
        }
        for (let i = 0; i < xv.rows; i++) {
          rawValid[i * outputs + c] =
            (rawValid[i * outputs + c] as number) + (tree.value[leafOf(tree, xv.data, i * x.cols)] as number);
        }
      }
      this.iterations = it + 1;
      const metrics: Record<string, number> = { trees: this.trees.length };
      if (p.earlyStopping) {
        const loss = lossOf(rawValid, yv, wv, outputs, classification);
        metrics.validationLoss = loss;
        if (loss < bestValid - p.tol) {
          bestValid = loss;
          stale = 0;
        } else if (++stale >= p.nIterNoChange) {
          opts.onProgress?.({ stage: 'iteration', fraction: 1, metrics });
          break;
        }
      }
      opts.onProgress?.({ stage: 'iteration', fraction: (it + 1) / p.maxIter, metrics });
    }
    return this;
  }

  /** Raw scores [n × outputs]. */
  decisionFunction(x: DenseMatrix): Float64Array {
    if (x.cols !== this.nFeatures) throw new Error(`the model has ${this.nFeatures} features, X has ${x.cols}`);
    const out = new Float64Array(x.rows * this.outputs);
    for (let i = 0; i < x.rows; i++) out.set(this.baseline, i * this.outputs);
    this.trees.forEach((t, ti) => {
      const c = this.treeOutput[ti] as number;
      for (let i = 0; i < x.rows; i++) {
        out[i * this.outputs + c] =
          (out[i * this.outputs + c] as number) + (t.value[leafOf(t, x.data, i * x.cols)] as number);
      }
    });
    return out;
  }

  predictProba(x: DenseMatrix): Float64Array {
    if (this.task !== 'classification')
      throw new Error('gradient-boosting was fitted for regression: there are no probabilities');
    const raw = this.decisionFunction(x);
    if (this.outputs > 1) return softmaxRows(raw, x.rows, this.outputs, new Float64Array(raw.length));
    const out = new Float64Array(x.rows * 2);
    for (let i = 0; i < x.rows; i++) {
      const p1 = 1 / (1 + Math.exp(-(raw[i] as number)));
      out[i * 2] = 1 - p1;
      out[i * 2 + 1] = p1;
    }
    return out;
  }

  predict(x: DenseMatrix): Int32Array | Float64Array {
    if (this.task === 'regression') return this.decisionFunction(x);
    const p = this.predictProba(x);
    const k = this.nClasses;
    return argmaxRows(p, x.rows, k);
  }

  toArtifact(): Uint8Array {
    const sections = new TreeEnsemble(this.trees, false, 1, this.nFeatures).toSections();
    return encodeArtifact({
      learner: this.name,
      params: { ...this.params },
      state: { nFeatures: this.nFeatures, nClasses: this.nClasses, outputs: this.outputs, iterations: this.iterations },
      arrays: { ...sections, baseline: this.baseline, treeOutput: Int32Array.from(this.treeOutput) },
    });
  }

  static fromArtifact(content: ArtifactContent | Uint8Array): GradientBoosting {
    const c = content instanceof Uint8Array ? decodeArtifact(content) : content;
    const m = new GradientBoosting(c.params as Partial<GradientBoostingParams>);
    m.nFeatures = c.state.nFeatures as number;
    m.nClasses = c.state.nClasses as number;
    m.outputs = c.state.outputs as number;
    m.iterations = c.state.iterations as number;
    m.trees = TreeEnsemble.fromSections(c.arrays, false, 1, m.nFeatures).trees;
    m.baseline = c.arrays.baseline as Float64Array;
    m.treeOutput = Array.from(c.arrays.treeOutput as Int32Array);
    return m;
  }

  /** Raw scores by TreeEnsembleRegressor (summed, with the baseline), then Sigmoid or Softmax. */
  addOnnxNodes(graph: OnnxGraphBuilder, input: string): OnnxOutputs {
    const leafWeights = (t: TreeArrays, ti: number, i: number): Array<[number, number]> => [
      [this.treeOutput[ti] as number, t.value[i] as number],
    ];
    graph.opset('ai.onnx.ml', 3).node(
      'TreeEnsembleRegressor',
      [input],
      ['gb_raw'],
      {
        ...treeEnsembleAttributes(this.trees, leafWeights, 'target'),
        n_targets: { int: this.outputs },
        base_values: { floats: this.baseline },
        aggregate_function: { string: 'SUM' },
        post_transform: { string: 'NONE' },
      },
      'ai.onnx.ml',
    );
    if (this.task === 'regression') {
      graph
        .initializer({ name: 'gb_flat_shape', datatype: 'INT64', dims: [1], values: [-1] })
        .node('Reshape', ['gb_raw', 'gb_flat_shape'], ['value']);
      return { value: 'value' };
    }
    if (this.outputs === 1) {
      graph
        .initializer({ name: 'gb_one', datatype: 'FP32', dims: [], values: [1] })
        .node('Sigmoid', ['gb_raw'], ['gb_p1'])
        .node('Sub', ['gb_one', 'gb_p1'], ['gb_p0'])
        .node('Concat', ['gb_p0', 'gb_p1'], ['probabilities'], { axis: { int: 1 } });
    } else graph.node('Softmax', ['gb_raw'], ['probabilities'], { axis: { int: 1 } });
    graph.node('ArgMax', ['probabilities'], ['label'], { axis: { int: 1 }, keepdims: { int: 0 } });
    return { label: 'label', probabilities: 'probabilities' };
  }
}

function subset(x: DenseMatrix, rows: Int32Array): DenseMatrix {
  const data = new Float64Array(rows.length * x.cols);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] as number;
    data.set(x.data.subarray(r * x.cols, (r + 1) * x.cols), i * x.cols);
  }
  return { rows: rows.length, cols: x.cols, data };
}

/** The weighted mean loss of raw scores. */
function lossOf(raw: Float64Array, y: Float64Array, w: Float64Array, outputs: number, classification: boolean): number {
  const n = y.length;
  let loss = 0;
  let wSum = 0;
  const p = outputs > 1 ? softmaxRows(raw, n, outputs, new Float64Array(raw.length)) : undefined;
  for (let i = 0; i < n; i++) {
    const wi = w[i] as number;
    wSum += wi;
    if (!classification) loss += wi * 0.5 * ((raw[i] as number) - (y[i] as number)) ** 2;
    else if (!p) loss += wi * Math.log1p(Math.exp(-(y[i] === 1 ? 1 : -1) * (raw[i] as number)));
    else loss -= wi * Math.log(Math.max(p[i * outputs + (y[i] as number)] as number, 1e-15));
  }
  return loss / Math.max(wSum, 1e-300);
}
