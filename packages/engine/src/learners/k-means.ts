import { type ArtifactContent, decodeArtifact, encodeArtifact } from '../artifact/artifact-format.js';
import type { DenseMatrix } from '../linalg/dense-matrix.js';
import { columnSumsAndSquares } from '../linalg/value-sums.js';
import type { OnnxGraphBuilder } from '../onnx/onnx-graph-builder.js';
import { Rng } from '../random/rng.js';
import { siblingModule } from '../threads/module-worker.js';
import { runTasks, shared, threadCount } from '../threads/task-pool.js';
import { assign, type KMeansStart, type KMeansStarts, kMeansStart } from './k-means-starts.js';
import { type FitOptions, type Learner, type OnnxOutputs, withDefaults } from './learner.js';

export type KMeansParams = {
  k: number;
  /** Independent k-means++ starts; the lowest inertia wins. Default 10. */
  nInit: number;
  maxIter: number;
  /** Stop when centres move less than tol × mean feature variance (scikit-learn's rule). */
  tol: number;
  /** Threads the starts run on; 0 (default) means one per core. */
  nJobs: number;
};

export const K_MEANS_DEFAULTS: KMeansParams = { k: 8, nInit: 10, maxIter: 300, tol: 1e-4, nJobs: 0 };

/**
 * k-means (Lloyd's algorithm) with k-means++ seeding and several starts, as scikit-learn's
 * KMeans(algorithm='lloyd'). Ignores y; `predict` gives the nearest centre.
 */
export class KMeans implements Learner {
  readonly name = 'k-means';
  readonly task = 'clustering';
  readonly params: KMeansParams;
  nFeatures = 0;
  /** [k × d] */
  centres: Float64Array = new Float64Array(0);
  inertia = Number.POSITIVE_INFINITY;
  /** Starts the last fit ran on worker threads (not saved; tests read it). */
  startsRunByWorkers = 0;

  constructor(params: Partial<KMeansParams> = {}) {
    this.params = withDefaults(this.name, K_MEANS_DEFAULTS, params);
    const { k, nInit, maxIter } = this.params;
    if (!(Number.isInteger(k) && k >= 1)) throw new Error('k-means: k must be an integer >= 1');
    if (!(Number.isInteger(nInit) && nInit >= 1)) throw new Error('k-means: nInit must be >= 1');
    if (!(Number.isInteger(maxIter) && maxIter >= 1)) throw new Error('k-means: maxIter must be >= 1');
    if (!(Number.isInteger(this.params.nJobs) && this.params.nJobs >= 0)) {
      throw new Error('k-means: nJobs must be an integer >= 0 (0: one thread per core)');
    }
  }

  fit(x: DenseMatrix, _y: ArrayLike<number> = [], opts: FitOptions = {}): this {
    const { rows: n, cols: d, data } = x;
    const k = this.params.k;
    if (n < k) throw new Error(`k-means: ${n} rows for k = ${k}`);
    // Tolerance relative to the data's spread, as scikit-learn scales it.
    const { sums, squares } = columnSumsAndSquares(data, n, d);
    let meanVar = 0;
    for (let j = 0; j < d; j++) meanVar += (squares[j] as number) / n - ((sums[j] as number) / n) ** 2;
    const tol = (this.params.tol * meanVar) / d;
    const rng = new Rng(opts.seed ?? 0);
    const nInit = this.params.nInit;
    // One seed per start, drawn in order: the same starts on any number of threads.
    const seeds = Uint32Array.from({ length: nInit }, () => rng.nextUint32());
    const job: KMeansStarts = { x, k, maxIter: this.params.maxIter, tol, seeds };
    const threads = threadCount(this.params.nJobs);
    let best: KMeansStart | undefined;
    const { results, ranOnWorkers } = runTasks(
      {
        module: siblingModule(import.meta.url, 'k-means-starts'),
        exportName: 'kMeansStart',
        input: threads > 1 && nInit > 1 ? { ...job, x: { ...x, data: shared(data) } } : job,
        count: nInit,
        runHere: (s) => kMeansStart(job, s, opts.signal),
      },
      threads,
      {
        // Measured: about 10 ns per row × feature × centre for a whole start.
        estimateMs: (nInit * n * d * k) / 1e5,
        signal: opts.signal,
        onResult: (done, start) => {
          if (!best || start.inertia < best.inertia) best = start;
          opts.onProgress?.({ stage: 'init', fraction: done / nInit, metrics: { inertia: best.inertia } });
        },
      },
    );
    this.startsRunByWorkers = ranOnWorkers;
    // The lowest inertia, the earliest start on ties: what a single thread picks.
    best = results.reduce((a, b) => (b.inertia < a.inertia ? b : a));
    this.nFeatures = d;
    this.centres = (best as { centres: Float64Array }).centres;
    this.inertia = (best as { inertia: number }).inertia;
    return this;
  }

  predict(x: DenseMatrix): Int32Array {
    if (x.cols !== this.nFeatures) throw new Error(`the model has ${this.nFeatures} features, X has ${x.cols}`);
    return assign(x, this.centres, this.params.k).labels;
  }

  toArtifact(): Uint8Array {
    return encodeArtifact({
      learner: this.name,
      params: { ...this.params },
      state: { nFeatures: this.nFeatures, inertia: this.inertia },
      arrays: { centres: this.centres },
    });
  }

  static fromArtifact(content: ArtifactContent | Uint8Array): KMeans {
    const c = content instanceof Uint8Array ? decodeArtifact(content) : content;
    const m = new KMeans(c.params as Partial<KMeansParams>);
    m.nFeatures = c.state.nFeatures as number;
    m.inertia = c.state.inertia as number;
    m.centres = c.arrays.centres as Float64Array;
    return m;
  }

  /** Standard operators: ‖x‖² − 2 x·Cᵀ + ‖c‖², then ArgMin. */
  addOnnxNodes(graph: OnnxGraphBuilder, input: string): OnnxOutputs {
    const { k } = this.params;
    const d = this.nFeatures;
    const ct = new Float64Array(d * k);
    const c2 = new Float64Array(k);
    for (let c = 0; c < k; c++) {
      for (let j = 0; j < d; j++) {
        const v = this.centres[c * d + j] as number;
        ct[j * k + c] = -2 * v;
        c2[c] = (c2[c] as number) + v * v;
      }
    }
    graph
      .initializer({ name: 'km_centres_t_m2', datatype: 'FP32', dims: [d, k], values: ct })
      .initializer({ name: 'km_c2', datatype: 'FP32', dims: [k], values: c2 })
      // Opset 17: ReduceSumSquare still takes its axes as an attribute (ReduceSum does not).
      .node('ReduceSumSquare', [input], ['km_x2'], { axes: { ints: [1] }, keepdims: { int: 1 } })
      .node('MatMul', [input, 'km_centres_t_m2'], ['km_cross'])
      .node('Add', ['km_cross', 'km_x2'], ['km_partial'])
      .node('Add', ['km_partial', 'km_c2'], ['km_distance2'])
      .node('ArgMin', ['km_distance2'], ['cluster'], { axis: { int: 1 }, keepdims: { int: 0 } });
    return { cluster: 'cluster' };
  }
}
