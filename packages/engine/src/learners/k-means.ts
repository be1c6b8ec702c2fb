import { type ArtifactContent, decodeArtifact, encodeArtifact } from '../artifact/artifact-format.js';
import type { DenseMatrix } from '../linalg/dense-matrix.js';
import { matmulTransB } from '../linalg/gemm.js';
import type { OnnxGraphBuilder } from '../onnx/onnx-graph-builder.js';
import { Rng } from '../random/rng.js';
import { type FitOptions, type Learner, type OnnxOutputs, withDefaults } from './learner.js';

export type KMeansParams = {
  k: number;
  /** Independent k-means++ starts; the lowest inertia wins. Default 10. */
  nInit: number;
  maxIter: number;
  /** Stop when centres move less than tol × mean feature variance (scikit-learn's rule). */
  tol: number;
};

export const K_MEANS_DEFAULTS: KMeansParams = { k: 8, nInit: 10, maxIter: 300, tol: 1e-4 };

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

  constructor(params: Partial<KMeansParams> = {}) {
    this.params = withDefaults(this.name, K_MEANS_DEFAULTS, params);
    const { k, nInit, maxIter } = this.params;
    if (!(Number.isInteger(k) && k >= 1)) throw new Error('k-means: k must be an integer >= 1');
    if (!(Number.isInteger(nInit) && nInit >= 1)) throw new Error('k-means: nInit must be >= 1');
    if (!(Number.isInteger(maxIter) && maxIter >= 1)) throw new Error('k-means: maxIter must be >= 1');
  }

  fit(x: DenseMatrix, _y: ArrayLike<number> = [], opts: FitOptions = {}): this {
    const { rows: n, cols: d, data } = x;
    const k = this.params.k;
    if (n < k) throw new Error(`k-means: ${n} rows for k = ${k}`);
    // Tolerance relative to the data's spread, as scikit-learn scales it.
    let meanVar = 0;
    for (let j = 0; j < d; j++) {
      let s = 0;
      let s2 = 0;
      for (let i = 0; i < n; i++) {
        const v = data[i * d + j] as number;
        s += v;
        s2 += v * v;
      }
      meanVar += s2 / n - (s / n) ** 2;
    }
    const tol = (this.params.tol * meanVar) / d;
    const rng = new Rng(opts.seed ?? 0);
    let best: { centres: Float64Array; inertia: number } | undefined;
    for (let run = 0; run < this.params.nInit; run++) {
      opts.signal?.throwIfAborted();
      const result = lloyd(x, seedCentres(x, k, rng.fork()), this.params.maxIter, tol, opts.signal);
      if (!best || result.inertia < best.inertia) best = result;
      opts.onProgress?.({ stage: 'init', fraction: (run + 1) / this.params.nInit, metrics: { inertia: best.inertia } });
    }
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

/** k-means++: each next centre drawn with probability proportional to D(x)² (2 + log k local trials, as scikit-learn). */
function seedCentres(x: DenseMatrix, k: number, rng: Rng): Float64Array {
  const { rows: n, cols: d, data } = x;
  const centres = new Float64Array(k * d);
  const first = rng.int(n);
  centres.set(data.subarray(first * d, (first + 1) * d), 0);
  const closest = new Float64Array(n);
  for (let i = 0; i < n; i++) closest[i] = dist2(data, i * d, centres, 0, d);
  const trials = 2 + Math.floor(Math.log(k));
  const candidateDist = new Float64Array(n);
  const cross = new Float64Array(n * trials);
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) norms[i] = dist2(data, i * d, ZERO_ROW(d), 0, d);
  for (let c = 1; c < k; c++) {
    let total = 0;
    for (let i = 0; i < n; i++) total += closest[i] as number;
    let bestCandidate = -1;
    let bestPot = Number.POSITIVE_INFINITY;
    const candidates: number[] = [];
    for (let t = 0; t < trials; t++) {
      let target = rng.next() * total;
      let cand = n - 1;
      for (let i = 0; i < n; i++) {
        target -= closest[i] as number;
        if (target <= 0) {
          cand = i;
          break;
        }
      }
      candidates.push(cand);
    }
    // Every row against every candidate in one product: ‖x‖² − 2 x·c + ‖c‖².
    const cand = new Float64Array(trials * d);
    candidates.forEach((r, t) => {
      cand.set(data.subarray(r * d, (r + 1) * d), t * d);
    });
    matmulTransB(data, cand, n, d, trials, cross);
    candidates.forEach((r, t) => {
      let pot = 0;
      const c2 = norms[r] as number;
      for (let i = 0; i < n; i++) {
        const dd = Math.max(0, (norms[i] as number) - 2 * (cross[i * trials + t] as number) + c2);
        pot += Math.min(closest[i] as number, dd);
      }
      if (pot < bestPot) {
        bestPot = pot;
        bestCandidate = r;
      }
    });
    centres.set(data.subarray(bestCandidate * d, (bestCandidate + 1) * d), c * d);
    for (let i = 0; i < n; i++) {
      candidateDist[i] = dist2(data, i * d, centres, c * d, d);
      if ((candidateDist[i] as number) < (closest[i] as number)) closest[i] = candidateDist[i] as number;
    }
  }
  return centres;
}

function lloyd(x: DenseMatrix, centres: Float64Array, maxIter: number, tol: number, signal?: AbortSignal) {
  const { rows: n, cols: d, data } = x;
  const k = centres.length / d;
  let labels: Int32Array = new Int32Array(n);
  for (let iter = 0; iter < maxIter; iter++) {
    signal?.throwIfAborted();
    labels = assign(x, centres, k, false).labels;
    const sums = new Float64Array(k * d);
    const counts = new Int32Array(k);
    for (let i = 0; i < n; i++) {
      const c = labels[i] as number;
      counts[c] = (counts[c] as number) + 1;
      for (let j = 0; j < d; j++) sums[c * d + j] = (sums[c * d + j] as number) + (data[i * d + j] as number);
    }
    let shift = 0;
    for (let c = 0; c < k; c++) {
      if (counts[c] === 0) continue; // an empty cluster keeps its centre
      for (let j = 0; j < d; j++) {
        const v = (sums[c * d + j] as number) / (counts[c] as number);
        shift += (v - (centres[c * d + j] as number)) ** 2;
        centres[c * d + j] = v;
      }
    }
    if (shift <= tol) break;
  }
  const final = assign(x, centres, k);
  return { centres, inertia: final.inertia };
}

/**
 * Nearest centres by ‖x‖² − 2 x·c + ‖c‖², the cross terms as one matrix product (as
 * scikit-learn computes them): the distance loops become a kernel call.
 */
function assign(
  x: DenseMatrix,
  centres: Float64Array,
  k: number,
  withInertia = true,
): { labels: Int32Array; inertia: number } {
  const { rows: n, cols: d, data } = x;
  const cross = new Float64Array(n * k);
  matmulTransB(data, centres, n, d, k, cross);
  const cc = new Float64Array(k);
  for (let c = 0; c < k; c++) cc[c] = dist2(centres, c * d, ZERO_ROW(d), 0, d);
  const labels = new Int32Array(n);
  let inertia = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestD = Number.POSITIVE_INFINITY;
    for (let c = 0; c < k; c++) {
      const dd = (cc[c] as number) - 2 * (cross[i * k + c] as number);
      if (dd < bestD) {
        bestD = dd;
        best = c;
      }
    }
    labels[i] = best;
    // The exact distance of the chosen centre, so the inertia carries no cancellation error.
    if (withInertia) inertia += dist2(data, i * d, centres, best * d, d);
  }
  return { labels, inertia };
}

const zeroRows = new Map<number, Float64Array>();
function ZERO_ROW(d: number): Float64Array {
  let z = zeroRows.get(d);
  if (!z) {
    z = new Float64Array(d);
    zeroRows.set(d, z);
  }
  return z;
}

function dist2(a: Float64Array, ao: number, b: Float64Array, bo: number, d: number): number {
  let s = 0;
  for (let j = 0; j < d; j++) {
    const diff = (a[ao + j] as number) - (b[bo + j] as number);
    s += diff * diff;
  }
  return s;
}
