import { type ArtifactContent, decodeArtifact, encodeArtifact } from '../artifact/artifact-format.js';
import type { DenseMatrix } from '../linalg/dense-matrix.js';
import { sumAndSquares } from '../linalg/value-sums.js';
import type { OnnxGraphBuilder } from '../onnx/onnx-graph-builder.js';
import { Rng } from '../random/rng.js';
import type { KernelSpec, KernelType } from '../svm/kernel.js';
import { KernelRows } from '../svm/kernel-rows.js';
import { type PairJob, solvePair } from '../svm/one-vs-one-pairs.js';
import { couplePairwise, plattProbability } from '../svm/platt-scaling.js';
import { siblingModule } from '../threads/module-worker.js';
import { runTasks, shared, threadCount } from '../threads/task-pool.js';
import { type FitOptions, type Learner, type OnnxOutputs, withDefaults } from './learner.js';

export type KernelSvmParams = {
  C: number;
  kernel: KernelType;
  /** 'scale': 1 / (d · Var(X)), as scikit-learn's default; 'auto': 1 / d; or a number. */
  gamma: 'scale' | 'auto' | number;
  degree: number;
  coef0: number;
  /** Stopping tolerance on the KKT violation. Default 1e-3. */
  tol: number;
  maxIter: number;
  /** Fit Platt scaling on 5-fold decision values so that predictProba works (five more fits per pair). */
  probability: boolean;
  /** Threads the one-vs-one pairs are solved on; 0 (default) means one per core. */
  nJobs: number;
};

export const KERNEL_SVM_DEFAULTS: KernelSvmParams = {
  C: 1,
  kernel: 'rbf',
  gamma: 'scale',
  degree: 3,
  coef0: 0,
  tol: 1e-3,
  maxIter: 10_000_000,
  probability: false,
  nJobs: 0,
};

interface PairModel {
  /** Positions in `supportVectors` and their dual coefficients. */
  sv: Int32Array;
  coef: Float64Array;
  rho: number;
  /** Platt scaling of this pair's decision values (when fitted with probability). */
  plattA?: number;
  plattB?: number;
}

/**
 * Kernel SVM (C-SVC) trained by SMO, one-vs-one for several classes with majority voting,
 * as scikit-learn's SVC / libsvm. With `probability`, each pair's decision values are
 * calibrated by Platt scaling on 5-fold cross-validated values and the pairs are coupled
 * into class probabilities, as libsvm does. Exported to ONNX as SVMClassifier.
 */
export class KernelSvm implements Learner {
  readonly name = 'kernel-svm';
  readonly task = 'classification';
  readonly params: KernelSvmParams;
  nClasses = 0;
  nFeatures = 0;
  spec: KernelSpec = { type: 'rbf', gamma: 1, coef0: 0, degree: 3 };
  /** [nSV × d] */
  supportVectors: Float64Array = new Float64Array(0);
  pairs: PairModel[] = [];
  /** Pairs the last fit solved on worker threads (not saved; tests read it). */
  pairsSolvedByWorkers = 0;

  constructor(params: Partial<KernelSvmParams> = {}) {
    this.params = withDefaults(this.name, KERNEL_SVM_DEFAULTS, params);
    const p = this.params;
    if (!(p.C > 0)) throw new Error('kernel-svm: C must be > 0');
    if (!['rbf', 'poly', 'linear'].includes(p.kernel))
      throw new Error('kernel-svm: kernel must be rbf, poly or linear');
    if (!(p.gamma === 'scale' || p.gamma === 'auto' || (typeof p.gamma === 'number' && p.gamma > 0))) {
      throw new Error("kernel-svm: gamma must be 'scale', 'auto' or a positive number");
    }
    if (!(Number.isInteger(p.nJobs) && p.nJobs >= 0)) {
      throw new Error('kernel-svm: nJobs must be an integer >= 0 (0: one thread per core)');
    }
  }

  fit(x: DenseMatrix, y: ArrayLike<number>, opts: FitOptions = {}): this {
    const { rows: n, cols: d, data } = x;
    if (y.length !== n) throw new Error(`X has ${n} rows, y has ${y.length}`);
    let k = 0;
    for (let i = 0; i < n; i++) k = Math.max(k, (y[i] as number) + 1);
    if (k < 2) throw new Error('kernel-svm needs at least two classes');
    this.nClasses = k;
    this.nFeatures = d;
    let gamma: number;
    if (this.params.gamma === 'auto') gamma = 1 / d;
    else if (this.params.gamma === 'scale') {
      const { sum, squares } = sumAndSquares(data);
      const variance = squares / data.length - (sum / data.length) ** 2;
      gamma = variance > 0 ? 1 / (d * variance) : 1;
    } else gamma = this.params.gamma;
    this.spec = { type: this.params.kernel, gamma, coef0: this.params.coef0, degree: this.params.degree };
    const classes = new Int32Array(n);
    const cost = new Float64Array(n);
    const counts = new Float64Array(k);
    const C = this.params.C;
    const w = opts.sampleWeight;
    for (let i = 0; i < n; i++) {
      classes[i] = y[i] as number;
      cost[i] = C * (w ? (w[i] as number) : 1);
      counts[classes[i] as number] = (counts[classes[i] as number] as number) + 1;
    }
    const rng = new Rng(opts.seed ?? 0);
    const total = (k * (k - 1)) / 2;
    const job: PairJob = {
      x: data,
      d,
      y: classes,
      nClasses: k,
      cost,
      spec: this.spec,
      tol: this.params.tol,
      maxIter: this.params.maxIter,
      probability: this.params.probability,
      // One seed per pair, drawn in order: the same model on any number of threads.
      seeds: Uint32Array.from({ length: total }, () => rng.nextUint32()),
    };
    // A pair's solve grows about as its rows squared times the features (measured:
    // letters, 325 pairs of ~1,230 rows × 16, in 4.3 s on one thread).
    let work = 0;
    for (let a = 0; a < k; a++)
      for (let b = a + 1; b < k; b++) work += ((counts[a] as number) + (counts[b] as number)) ** 2;
    const threads = threadCount(this.params.nJobs);
    const { results: raw, ranOnWorkers } = runTasks(
      {
        module: siblingModule(import.meta.url, '../svm/one-vs-one-pairs'),
        exportName: 'solvePair',
        input: threads > 1 && total > 1 ? { ...job, x: shared(data) } : job,
        count: total,
        runHere: (p) => solvePair(job, p, opts.signal),
      },
      threads,
      {
        estimateMs: ((work * d) / 2e6) * (this.params.probability ? 6 : 1),
        signal: opts.signal,
        onResult: (done) => opts.onProgress?.({ stage: 'pair', fraction: done / total }),
      },
    );
    this.pairsSolvedByWorkers = ranOnWorkers;
    const union = new Map<number, number>();
    for (const m of raw) for (const r of m.support) if (!union.has(r)) union.set(r, union.size);
    this.supportVectors = new Float64Array(union.size * d);
    for (const [r, pos] of union) this.supportVectors.set(data.subarray(r * d, (r + 1) * d), pos * d);
    this.pairs = raw.map((m) => ({
      sv: Int32Array.from(m.support, (r) => union.get(r) as number),
      coef: m.dualCoef,
      rho: m.rho,
      plattA: m.plattA,
      plattB: m.plattB,
    }));
    return this;
  }

  /** Class probabilities, [n × K]: Platt-scaled pairs coupled (needs `probability: true`). */
  predictProba(x: DenseMatrix): Float64Array {
    if (this.pairs.some((p) => p.plattA === undefined)) {
      throw new Error('kernel-svm was fitted without probability: fit with { probability: true }');
    }
    const f = this.decisionFunction(x);
    const k = this.nClasses;
    const np = this.pairs.length;
    const out = new Float64Array(x.rows * k);
    const r = new Float64Array(k * k);
    for (let i = 0; i < x.rows; i++) {
      let q = 0;
      for (let a = 0; a < k; a++) {
        for (let b = a + 1; b < k; b++) {
          const p = this.pairs[q] as PairModel;
          const v = Math.min(
            Math.max(plattProbability(f[i * np + q] as number, p.plattA as number, p.plattB as number), 1e-7),
            1 - 1e-7,
          );
          r[a * k + b] = v;
          r[b * k + a] = 1 - v;
          q++;
        }
      }
      // Coupled for two classes too (libsvm does, and so does ONNX Runtime): its stopping rule moves p a little.
      out.set(couplePairwise(r, k), i * k);
    }
    return out;
  }

  /** One-vs-one decision values, [n × pairs] in (0,1), (0,2), …, (1,2), … order. */
  decisionFunction(x: DenseMatrix): Float64Array {
    const { rows: n, cols: d, data } = x;
    if (d !== this.nFeatures) throw new Error(`the model has ${this.nFeatures} features, X has ${d}`);
    const nsv = this.supportVectors.length / d;
    const kv = new Float64Array(4 * nsv);
    const out = new Float64Array(n * this.pairs.length);
    // Each row's kernel values against every support vector as training's kernel rows are
    // computed (libsvm's form, one WebAssembly product over the rows' nonzero features), four
    // rows at a time so that the support vectors are read once for the four: Fashion-MNIST's
    // 2,000 test rows against ~5,000 support vectors took 15 s entry by entry, 5.5 s a row
    // at a time.
    const svRows = new KernelRows(
      this.supportVectors,
      d,
      Int32Array.from({ length: nsv }, (_, s) => s),
      this.spec,
      4,
    );
    for (let i0 = 0; i0 < n; i0 += 4) {
      const count = Math.min(4, n - i0);
      svRows.against4(data, i0 * d, count, kv);
      for (let r = 0; r < count; r++) {
        const i = i0 + r;
        const k = r * nsv;
        this.pairs.forEach((p, q) => {
          let f = -p.rho;
          for (let t = 0; t < p.sv.length; t++) f += (p.coef[t] as number) * (kv[k + (p.sv[t] as number)] as number);
          out[i * this.pairs.length + q] = f;
        });
      }
    }
    svRows.release();
    return out;
  }

  /** Majority vote over the pairs; ties go to the lower class, as libsvm. */
  predict(x: DenseMatrix): Int32Array {
    const f = this.decisionFunction(x);
    const k = this.nClasses;
    const np = this.pairs.length;
    const out = new Int32Array(x.rows);
    const votes = new Int32Array(k);
    for (let i = 0; i < x.rows; i++) {
      votes.fill(0);
      let q = 0;
      for (let a = 0; a < k; a++) {
        for (let b = a + 1; b < k; b++) {
          const w = (f[i * np + q] as number) > 0 ? a : b;
          votes[w] = (votes[w] as number) + 1;
          q++;
        }
      }
      let best = 0;
      for (let c = 1; c < k; c++) if ((votes[c] as number) > (votes[best] as number)) best = c;
      out[i] = best;
    }
    return out;
  }

  toArtifact(): Uint8Array {
    const arrays: Record<string, Float64Array | Int32Array> = { supportVectors: this.supportVectors };
    this.pairs.forEach((p, q) => {
      arrays[`sv${q}`] = p.sv;
      arrays[`coef${q}`] = p.coef;
    });
    return encodeArtifact({
      learner: this.name,
      params: { ...this.params },
      state: {
        nClasses: this.nClasses,
        nFeatures: this.nFeatures,
        spec: this.spec,
        rho: this.pairs.map((p) => p.rho),
        platt: this.pairs.map((p) => (p.plattA === undefined ? null : [p.plattA, p.plattB])),
      },
      arrays,
    });
  }

  static fromArtifact(content: ArtifactContent | Uint8Array): KernelSvm {
    const c = content instanceof Uint8Array ? decodeArtifact(content) : content;
    const m = new KernelSvm(c.params as Partial<KernelSvmParams>);
    m.nClasses = c.state.nClasses as number;
    m.nFeatures = c.state.nFeatures as number;
    m.spec = c.state.spec as KernelSpec;
    m.supportVectors = c.arrays.supportVectors as Float64Array;
    const platt = (c.state.platt as Array<[number, number] | null> | undefined) ?? [];
    m.pairs = (c.state.rho as number[]).map((rho, q) => ({
      sv: c.arrays[`sv${q}`] as Int32Array,
      coef: c.arrays[`coef${q}`] as Float64Array,
      rho,
      plattA: platt[q]?.[0],
      plattB: platt[q]?.[1],
    }));
    return m;
  }

  /**
   * ai.onnx.ml SVMClassifier, which follows libsvm: support vectors grouped by class
   * (`vectors_per_class`), coefficients [K−1, nSV] where pair (i, j) reads row j−1 for
   * class i's vectors and row i for class j's, decision = Σ coef·k + rho (so rho is the
   * negated offset), votes for i when positive; with Platt pairs, `prob_a`/`prob_b` and
   * the same pairwise coupling.
   */
  addOnnxNodes(graph: OnnxGraphBuilder, input: string): OnnxOutputs {
    const k = this.nClasses;
    const d = this.nFeatures;
    const nsv = this.supportVectors.length / d;
    // A vector's class: its coefficient is positive in pairs where it is the first class.
    const classOf = new Int32Array(nsv).fill(-1);
    let q = 0;
    for (let a = 0; a < k; a++) {
      for (let b = a + 1; b < k; b++) {
        const p = this.pairs[q++] as PairModel;
        p.sv.forEach((s, t) => {
          classOf[s] = (p.coef[t] as number) > 0 ? a : b;
        });
      }
    }
    const order = Array.from({ length: nsv }, (_, s) => s).sort(
      (s, t) => (classOf[s] as number) - (classOf[t] as number) || s - t,
    );
    const position = new Int32Array(nsv);
    order.forEach((s, at) => {
      position[s] = at;
    });
    const vectorsPerClass = new Array<number>(k).fill(0);
    for (const c of classOf) vectorsPerClass[c] = (vectorsPerClass[c] as number) + 1;
    const supportVectors = new Float64Array(nsv * d);
    order.forEach((s, at) => {
      supportVectors.set(this.supportVectors.subarray(s * d, (s + 1) * d), at * d);
    });
    const coefficients = new Float64Array((k - 1) * nsv);
    q = 0;
    for (let a = 0; a < k; a++) {
      for (let b = a + 1; b < k; b++) {
        const p = this.pairs[q++] as PairModel;
        p.sv.forEach((s, t) => {
          const row = classOf[s] === a ? b - 1 : a;
          coefficients[row * nsv + (position[s] as number)] = p.coef[t] as number;
        });
      }
    }
    const withProba = this.pairs.every((p) => p.plattA !== undefined);
    graph.opset('ai.onnx.ml', 3).node(
      'SVMClassifier',
      [input],
      ['label', withProba ? 'probabilities' : 'svm_scores'],
      {
        kernel_type: { string: { rbf: 'RBF', poly: 'POLY', linear: 'LINEAR' }[this.spec.type] },
        kernel_params: { floats: [this.spec.gamma, this.spec.coef0, this.spec.degree] },
        support_vectors: { floats: supportVectors },
        vectors_per_class: { ints: vectorsPerClass },
        coefficients: { floats: coefficients },
        rho: { floats: this.pairs.map((p) => -p.rho) },
        classlabels_ints: { ints: Array.from({ length: k }, (_, i) => i) },
        ...(withProba
          ? {
              prob_a: { floats: this.pairs.map((p) => p.plattA as number) },
              prob_b: { floats: this.pairs.map((p) => p.plattB as number) },
            }
          : {}),
      },
      'ai.onnx.ml',
    );
    return withProba ? { label: 'label', probabilities: 'probabilities' } : { label: 'label' };
  }
}
