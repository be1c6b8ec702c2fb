import { type ArtifactContent, decodeArtifact, encodeArtifact } from '../artifact/artifact-format.js';
import { accuracy } from '../evaluation/classification-metrics.js';
import { r2 } from '../evaluation/regression-metrics.js';
import { stratifiedSplit } from '../evaluation/splits.js';
import { type DenseMatrix, takeRows } from '../linalg/dense-matrix.js';
import type { OnnxGraphBuilder } from '../onnx/onnx-graph-builder.js';
import { AdamKernel } from '../optim/adam-kernel.js';
import { Rng } from '../random/rng.js';
import { siblingModule } from '../threads/module-worker.js';
import { shared, threadCount } from '../threads/task-pool.js';
import { TaskSession } from '../threads/task-session.js';
import { type FitOptions, type Learner, type OnnxOutputs, withDefaults } from './learner.js';
import {
  batchRangeGradient,
  batchRanges,
  forward,
  layerArrays,
  MAX_RANGES,
  type MlpBatchJob,
  type MlpNetwork,
  parameterCount,
  type RangeGradient,
} from './mlp-network.js';
import { argmaxRows } from './row-scores.js';

export type MlpParams = {
  task: 'classification' | 'regression';
  hiddenLayers: number[];
  activation: 'relu' | 'tanh';
  /** L2 penalty, as scikit-learn's alpha. Default 1e-4. */
  alpha: number;
  learningRate: number;
  batchSize: number;
  /** Epochs. Default 200. */
  maxIter: number;
  /** Stop when the training loss (or, with earlyStopping, the validation score) has not improved by tol for nIterNoChange epochs. */
  tol: number;
  nIterNoChange: number;
  /**
   * Hold out validationFraction of the rows (stratified for classification), stop when
   * their score (accuracy, or R² for regression) stops improving, and keep the weights of
   * the best epoch, as scikit-learn's early_stopping. Default false.
   */
  earlyStopping: boolean;
  validationFraction: number;
  /** Threads each mini-batch's gradient is computed on; 0 (default) means one per core. */
  nJobs: number;
};

export const MLP_DEFAULTS: MlpParams = {
  task: 'classification',
  hiddenLayers: [100],
  activation: 'relu',
  alpha: 1e-4,
  learningRate: 1e-3,
  batchSize: 200,
  maxIter: 200,
  tol: 1e-4,
  nIterNoChange: 10,
  earlyStopping: false,
  validationFraction: 0.1,
  nJobs: 0,
};

/**
 * A multi-layer perceptron trained by Adam on mini-batches, as scikit-learn's
 * MLPClassifier / MLPRegressor: ReLU or tanh hidden layers, softmax (or one sigmoid unit
 * for two classes) or identity output, Glorot-uniform initialisation, L2 on the weights.
 */
export class Mlp implements Learner {
  readonly name = 'mlp';
  readonly params: MlpParams;
  nFeatures = 0;
  nClasses = 0;
  /** Per layer: weights [in × out] row-major and biases [out]. */
  weights: Float64Array[] = [];
  biases: Float64Array[] = [];
  sizes: number[] = [];
  epochs = 0;
  /** Gradient ranges the last fit had computed on worker threads (not saved; tests read it). */
  stepsRunByWorkers = 0;
  /** Zeros the size of a gradient (adamStep). */
  private noGradient = new Float64Array(0);

  constructor(params: Partial<MlpParams> = {}) {
    this.params = withDefaults(this.name, MLP_DEFAULTS, params);
    const p = this.params;
    if (!Array.isArray(p.hiddenLayers) || p.hiddenLayers.some((h) => !(Number.isInteger(h) && h >= 1))) {
      throw new Error('mlp: hiddenLayers must be positive integers');
    }
    if (p.activation !== 'relu' && p.activation !== 'tanh') throw new Error('mlp: activation must be relu or tanh');
    if (!(p.learningRate > 0 && p.batchSize >= 1 && p.maxIter >= 1 && p.alpha >= 0))
      throw new Error('mlp: invalid parameters');
    if (!(p.validationFraction > 0 && p.validationFraction < 1))
      throw new Error('mlp: validationFraction must be in (0, 1)');
    if (!(Number.isInteger(p.nJobs) && p.nJobs >= 0))
      throw new Error('mlp: nJobs must be an integer >= 0 (0: one thread per core)');
  }

  get task(): 'classification' | 'regression' {
    return this.params.task;
  }

  private get outputs(): number {
    return this.task === 'regression' ? 1 : this.nClasses === 2 ? 1 : this.nClasses;
  }

  fit(x: DenseMatrix, y: ArrayLike<number>, opts: FitOptions = {}): this {
    const { rows: n, cols: d } = x;
    if (y.length !== n) throw new Error(`X has ${n} rows, y has ${y.length}`);
    const p = this.params;
    this.nFeatures = d;
    if (this.task === 'classification') {
      let k = 0;
      for (let i = 0; i < n; i++) k = Math.max(k, (y[i] as number) + 1);
      this.nClasses = k;
    }
    const rng = new Rng(opts.seed ?? 0);
    this.sizes = [d, ...p.hiddenLayers, this.outputs];
    this.weights = [];
    this.biases = [];
    const last = this.sizes.length - 2;
    for (let l = 0; l + 1 < this.sizes.length; l++) {
      const fanIn = this.sizes[l] as number;
      const fanOut = this.sizes[l + 1] as number;
      // Glorot uniform; factor 2 for a sigmoid output, 6 otherwise (scikit-learn's choice).
      const factor = l === last && this.task === 'classification' && this.nClasses === 2 ? 2 : 6;
      const bound = Math.sqrt(factor / (fanIn + fanOut));
      this.weights.push(Float64Array.from({ length: fanIn * fanOut }, () => (rng.next() * 2 - 1) * bound));
      this.biases.push(Float64Array.from({ length: fanOut }, () => (rng.next() * 2 - 1) * bound));
    }
    // A batch is cut into at most MAX_RANGES ranges: more threads would have nothing to do.
    const threads = Math.min(threadCount(p.nJobs), MAX_RANGES);
    if (threads > 1) {
      // Workers read the weights as the loop updates them, from shared memory.
      this.weights = this.weights.map((w) => shared(w));
      this.biases = this.biases.map((b) => shared(b));
    }
    const params = [...this.weights, ...this.biases];
    const adam = new AdamKernel(
      params.map((a) => a.length),
      this.weights.length,
    );
    // With early stopping, a validation part is kept out of the updates.
    let trainRows: Int32Array = Int32Array.from({ length: n }, (_, i) => i);
    let validation: { x: DenseMatrix; y: Float64Array } | undefined;
    if (p.earlyStopping) {
      const strata = this.task === 'classification' ? y : new Int32Array(n);
      const split = stratifiedSplit(strata, p.validationFraction, rng.nextUint32());
      trainRows = split.train;
      validation = { x: takeRows(x, split.test), y: Float64Array.from(split.test, (r) => y[r] as number) };
    }
    const nTrain = trainRows.length;
    const batch = Math.min(p.batchSize, nTrain);
    const labels = Float64Array.from({ length: n }, (_, i) => y[i] as number);
    const sw = opts.sampleWeight;
    const parallel = threads > 1;
    const job: MlpBatchJob = {
      ...this.network(),
      precision: 'f32',
      x: parallel ? shared(x.data) : x.data,
      y: parallel ? shared(labels) : labels,
      // Row weights scale each row's loss and its error signal.
      sampleWeight: sw && parallel ? shared(sw) : sw,
      order: parallel ? shared(trainRows) : Int32Array.from(trainRows),
      batch: new Int32Array(new SharedArrayBuffer(12)),
    };
    const count = parameterCount(this.sizes);
    const ownGrads = Array.from({ length: MAX_RANGES }, () => new Float64Array(count));
    if (parallel) job.workerGrads = shared(new Float64Array((threads - 1) * MAX_RANGES * count));
    const order = job.order;
    let t = 0;
    let best = Number.POSITIVE_INFINITY;
    let bestScore = Number.NEGATIVE_INFINITY;
    let bestWeights: { weights: Float64Array[]; biases: Float64Array[] } | undefined;
    let stale = 0;
    const perBatchMs = (batch * parameterCount(this.sizes) * 3) / 1e6;
    const session = new TaskSession<MlpBatchJob, RangeGradient>(
      siblingModule(import.meta.url, 'mlp-network'),
      'workerRangeGradient',
      job,
      threads,
      perBatchMs * Math.ceil(nTrain / batch) * p.maxIter,
    );
    try {
      for (let epoch = 0; epoch < p.maxIter; epoch++) {
        opts.signal?.throwIfAborted();
        rng.shuffle(order);
        let epochLoss = 0;
        for (let start = 0; start < nTrain; start += batch) {
          const b = Math.min(batch, nTrain - start);
          // Ranges fixed by the batch and the network: the same sums on any number of threads.
          const ranges = batchRanges(b, this.sizes);
          job.batch.set([start, b, ranges]);
          const parts = session.run(ranges, (r) => batchRangeGradient(job, r, ownGrads[r]), opts.signal);
          let loss = 0;
          for (const part of parts) loss += part.loss;
          t++;
          epochLoss += (loss / b + this.adamStep(parts, b, t, params, adam)) * b;
        }
        epochLoss /= nTrain;
        this.epochs = epoch + 1;
        if (validation) {
          const score = this.validationScore(validation.x, validation.y);
          opts.onProgress?.({
            stage: 'epoch',
            fraction: (epoch + 1) / p.maxIter,
            metrics: { loss: epochLoss, validationScore: score },
          });
          if (score > bestScore)
            bestWeights = { weights: this.weights.map((w) => w.slice()), biases: this.biases.map((b) => b.slice()) };
          if (score < bestScore + p.tol) {
            if (++stale >= p.nIterNoChange) break;
          } else stale = 0;
          if (score > bestScore) bestScore = score;
          continue;
        }
        opts.onProgress?.({ stage: 'epoch', fraction: (epoch + 1) / p.maxIter, metrics: { loss: epochLoss } });
        if (epochLoss > best - p.tol) {
          if (++stale >= p.nIterNoChange) break;
        } else stale = 0;
        if (epochLoss < best) best = epochLoss;
      }
    } finally {
      session.close();
      this.stepsRunByWorkers = session.ranOnWorkers;
    }
    if (bestWeights) {
      // Keep the best epoch's weights (the Adam state refers to the arrays in place).
      for (const [l, w] of bestWeights.weights.entries()) (this.weights[l] as Float64Array).set(w);
      for (const [l, b] of bestWeights.biases.entries()) (this.biases[l] as Float64Array).set(b);
    }
    // The fitted model holds plain arrays, shared memory or not during the fit.
    this.weights = this.weights.map((w) => Float64Array.from(w));
    this.biases = this.biases.map((b) => Float64Array.from(b));
    return this;
  }

  /** The network as forward() and the gradient ranges read it. */
  private network(): MlpNetwork {
    return {
      sizes: this.sizes,
      weights: this.weights,
      biases: this.biases,
      relu: this.params.activation === 'relu',
      classification: this.task === 'classification',
    };
  }

  /**
   * One Adam step from the ranges' gradients, in one pass over the parameters:
   * sums the ranges in order, adds the L2 penalty's gradient, updates the moments and
   * the weights (the same operations, in the same order, as gradient() and a separate
   * update). Returns the batch's L2 penalty, from the weights before the step.
   */
  private adamStep(parts: RangeGradient[], rows: number, t: number, params: Float64Array[], adam: AdamKernel): number {
    const { alpha, learningRate } = this.params;
    const first = (parts[0] as RangeGradient).grad;
    // Zeros stand in for a missing second range, so that every step runs the same code.
    if (this.noGradient.length !== first.length) this.noGradient = new Float64Array(first.length);
    const second = parts[1]?.grad ?? this.noGradient;
    if (parts.length > 2) throw new Error('mlp: more ranges than adamStep sums');
    const lrT = (learningRate * Math.sqrt(1 - 0.999 ** t)) / (1 - 0.9 ** t);
    const l2 = adam.step(params, first, second, alpha, rows, lrT);
    return (0.5 * alpha * l2) / rows;
  }

  /**
   * Sums the ranges' gradients in order into `grad` and adds the L2 penalty's; returns the
   * batch's mean loss, penalty included.
   */
  private gradient(parts: RangeGradient[], rows: number, grad: Float64Array): number {
    grad.fill(0);
    let loss = 0;
    for (const part of parts) {
      loss += part.loss;
      for (let i = 0; i < grad.length; i++) grad[i] = (grad[i] as number) + (part.grad[i] as number);
    }
    const alpha = this.params.alpha;
    let l2 = 0;
    let at = 0;
    for (const w of this.weights) {
      for (let i = 0; i < w.length; i++) {
        const wi = w[i] as number;
        grad[at + i] = (grad[at + i] as number) + (alpha * wi) / rows;
        l2 += wi * wi;
      }
      at += w.length;
    }
    return loss / rows + (0.5 * alpha * l2) / rows;
  }

  /** Accuracy (classification) or R² (regression) on held-out rows. */
  private validationScore(x: DenseMatrix, y: Float64Array): number {
    const predicted = this.predict(x);
    if (this.task === 'classification') return accuracy(y, predicted);
    return r2(y, predicted);
  }

  /** The loss and its gradients on these rows at the current weights (for gradient checks). */
  lossAndGradients(
    x: DenseMatrix,
    y: ArrayLike<number>,
  ): { loss: number; gradW: Float64Array[]; gradB: Float64Array[] } {
    const job: MlpBatchJob = {
      ...this.network(),
      x: x.data,
      y: Float64Array.from(y),
      order: Int32Array.from({ length: x.rows }, (_, i) => i),
      batch: Int32Array.from([0, x.rows, 1]),
    };
    const grad = new Float64Array(parameterCount(this.sizes));
    const loss = this.gradient([batchRangeGradient(job, 0)], x.rows, grad);
    let at = 0;
    const take = (n: number) => {
      const part = grad.slice(at, at + n);
      at += n;
      return part;
    };
    const gradW = this.weights.map((w) => take(w.length));
    const gradB = this.biases.map((b) => take(b.length));
    return { loss, gradW, gradB };
  }

  private outputOf(x: DenseMatrix): Float64Array {
    if (x.cols !== this.nFeatures) throw new Error(`the model has ${this.nFeatures} features, X has ${x.cols}`);
    const { arena, acts } = layerArrays(this.sizes, x.rows);
    forward(this.network(), x.data, x.rows, acts, arena);
    return (acts[acts.length - 1] as Float64Array).slice();
  }

  predictProba(x: DenseMatrix): Float64Array {
    if (this.task !== 'classification') throw new Error('mlp was fitted for regression: there are no probabilities');
    const o = this.outputOf(x);
    if (this.outputs > 1) return o;
    const out = new Float64Array(x.rows * 2);
    for (let i = 0; i < x.rows; i++) {
      out[i * 2] = 1 - (o[i] as number);
      out[i * 2 + 1] = o[i] as number;
    }
    return out;
  }

  predict(x: DenseMatrix): Int32Array | Float64Array {
    if (this.task === 'regression') return this.outputOf(x).slice();
    const p = this.predictProba(x);
    const k = this.nClasses;
    return argmaxRows(p, x.rows, k);
  }

  toArtifact(): Uint8Array {
    const arrays: Record<string, Float64Array> = {};
    this.weights.forEach((w, l) => {
      arrays[`w${l}`] = w;
      arrays[`b${l}`] = this.biases[l] as Float64Array;
    });
    return encodeArtifact({
      learner: this.name,
      params: { ...this.params },
      state: { sizes: this.sizes, nClasses: this.nClasses, nFeatures: this.nFeatures, epochs: this.epochs },
      arrays,
    });
  }

  static fromArtifact(content: ArtifactContent | Uint8Array): Mlp {
    const c = content instanceof Uint8Array ? decodeArtifact(content) : content;
    const m = new Mlp(c.params as Partial<MlpParams>);
    m.sizes = c.state.sizes as number[];
    m.nClasses = c.state.nClasses as number;
    m.nFeatures = c.state.nFeatures as number;
    m.epochs = c.state.epochs as number;
    for (let l = 0; l + 1 < m.sizes.length; l++) {
      m.weights.push(c.arrays[`w${l}`] as Float64Array);
      m.biases.push(c.arrays[`b${l}`] as Float64Array);
    }
    return m;
  }

  /** Standard operators: MatMul, Add, Relu/Tanh per layer; Softmax or Sigmoid; ArgMax. */
  addOnnxNodes(graph: OnnxGraphBuilder, input: string): OnnxOutputs {
    let h = input;
    const layers = this.weights.length;
    for (let l = 0; l < layers; l++) {
      const dims = [this.sizes[l] as number, this.sizes[l + 1] as number];
      graph
        .initializer({ name: `mlp_w${l}`, datatype: 'FP32', dims, values: this.weights[l] as Float64Array })
        .initializer({
          name: `mlp_b${l}`,
          datatype: 'FP32',
          dims: [dims[1] as number],
          values: this.biases[l] as Float64Array,
        })
        .node('MatMul', [h, `mlp_w${l}`], [`mlp_mm${l}`])
        .node('Add', [`mlp_mm${l}`, `mlp_b${l}`], [`mlp_z${l}`]);
      h = `mlp_z${l}`;
      if (l < layers - 1) {
        graph.node(this.params.activation === 'relu' ? 'Relu' : 'Tanh', [h], [`mlp_h${l}`]);
        h = `mlp_h${l}`;
      }
    }
    if (this.task === 'regression') {
      graph
        .initializer({ name: 'mlp_flat_shape', datatype: 'INT64', dims: [1], values: [-1] })
        .node('Reshape', [h, 'mlp_flat_shape'], ['value']);
      return { value: 'value' };
    }
    if (this.outputs === 1) {
      graph
        .initializer({ name: 'mlp_one', datatype: 'FP32', dims: [], values: [1] })
        .node('Sigmoid', [h], ['mlp_p1'])
        .node('Sub', ['mlp_one', 'mlp_p1'], ['mlp_p0'])
        .node('Concat', ['mlp_p0', 'mlp_p1'], ['probabilities'], { axis: { int: 1 } });
    } else graph.node('Softmax', [h], ['probabilities'], { axis: { int: 1 } });
    graph.node('ArgMax', ['probabilities'], ['label'], { axis: { int: 1 }, keepdims: { int: 0 } });
    return { label: 'label', probabilities: 'probabilities' };
  }
}
