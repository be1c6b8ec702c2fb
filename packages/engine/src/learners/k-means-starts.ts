import type { DenseMatrix } from '../linalg/dense-matrix.js';
import { matmulTransB } from '../linalg/gemm.js';
import { ResidentRows } from '../linalg/resident-rows.js';
import { Rng } from '../random/rng.js';

/** One k-means start: a k-means++ seeding refined by Lloyd's iterations. */
export interface KMeansStart {
  centres: Float64Array;
  inertia: number;
}

/** What every start of one fit shares; plain data, so a worker thread can run starts too. */
export interface KMeansStarts {
  x: DenseMatrix;
  k: number;
  maxIter: number;
  /** Absolute tolerance on the centres' squared shift. */
  tol: number;
  /** seeds[s] seeds start s's generator. */
  seeds: Uint32Array;
}

/** Start s of a fit, on whichever thread runs it: it depends on its seed only. */
export function kMeansStart(job: KMeansStarts, s: number, signal?: AbortSignal): KMeansStart {
  const rng = new Rng(job.seeds[s] as number);
  const resident = residentOf(job);
  return lloyd(job.x, seedCentres(job.x, job.k, rng, resident), job.maxIter, job.tol, signal, resident);
}

const residents = new WeakMap<KMeansStarts, ResidentRows | undefined>();

/**
 * X in a kernel's memory once per fit and thread, not once per product (nor per start:
 * copying 4,601 × 57 values into a new kernel took ~7% of a start on spambase).
 */
function residentOf(job: KMeansStarts): ResidentRows | undefined {
  if (!residents.has(job)) residents.set(job, ResidentRows.of(job.x));
  return residents.get(job);
}

/** k-means++: each next centre drawn with probability proportional to D(x)² (2 + log k local trials, as scikit-learn). */
function seedCentres(x: DenseMatrix, k: number, rng: Rng, resident?: ResidentRows): Float64Array {
  const { rows: n, cols: d, data } = x;
  const centres = new Float64Array(k * d);
  const first = rng.int(n);
  centres.set(data.subarray(first * d, (first + 1) * d), 0);
  const closest = new Float64Array(n);
  for (let i = 0; i < n; i++) closest[i] = dist2(data, i * d, centres, 0, d);
  const trials = 2 + Math.floor(Math.log(k));
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
    if (resident) resident.timesTransposed(cand, trials, cross);
    else matmulTransB(data, cand, n, d, trials, cross);
    let bestTrial = 0;
    for (let t = 0; t < trials; t++) {
      const r = candidates[t] as number;
      const pot = potential(norms, cross, closest, trials, t, norms[r] as number);
      if (pot < bestPot) {
        bestPot = pot;
        bestCandidate = r;
        bestTrial = t;
      }
    }
    centres.set(data.subarray(bestCandidate * d, (bestCandidate + 1) * d), c * d);
    // The chosen candidate's distances from the product, as scikit-learn keeps them.
    const c2 = norms[bestCandidate] as number;
    for (let i = 0; i < n; i++) {
      const dd = Math.max(0, (norms[i] as number) - 2 * (cross[i * trials + bestTrial] as number) + c2);
      if (dd < (closest[i] as number)) closest[i] = dd;
    }
  }
  return centres;
}

/**
 * Σ_i min(D(x_i)², ‖x_i − c‖²) for candidate t, from the product's cross terms. A function
 * of its own: as a forEach callback closed over the loop's state, V8 compiled its loop on
 * stack replacement and deoptimised at the comparison after it, dozens of times a fit.
 */
function potential(
  norms: Float64Array,
  cross: Float64Array,
  closest: Float64Array,
  trials: number,
  t: number,
  c2: number,
): number {
  let pot = 0;
  for (let i = 0; i < norms.length; i++) {
    const dd = Math.max(0, (norms[i] as number) - 2 * (cross[i * trials + t] as number) + c2);
    pot += Math.min(closest[i] as number, dd);
  }
  return pot;
}

function lloyd(
  x: DenseMatrix,
  centres: Float64Array,
  maxIter: number,
  tol: number,
  signal?: AbortSignal,
  resident?: ResidentRows,
): KMeansStart {
  const { rows: n, cols: d, data } = x;
  const k = centres.length / d;
  // One set of buffers for every iteration: a start runs hundreds of them.
  const cross = new Float64Array(resident ? 0 : n * k);
  const cc = new Float64Array(k);
  const sums = new Float64Array(k * d);
  const counts = new Int32Array(k);
  // Each row's centre, and the centres' sums kept from one iteration to the next: only
  // the rows that changed centre move their values (few, after the first iterations).
  const labels = new Int32Array(n).fill(-1);
  const next = new Int32Array(n);
  for (let iter = 0; iter < maxIter; iter++) {
    signal?.throwIfAborted();
    nearestCentres(x, centres, k, cross, cc, next, resident);
    for (let i = 0; i < n; i++) {
      const best = next[i] as number;
      const was = labels[i] as number;
      if (best === was) continue;
      labels[i] = best;
      const from = i * d;
      if (was >= 0) {
        counts[was] = (counts[was] as number) - 1;
        const at = was * d;
        for (let j = 0; j < d; j++) sums[at + j] = (sums[at + j] as number) - (data[from + j] as number);
      }
      counts[best] = (counts[best] as number) + 1;
      const to = best * d;
      for (let j = 0; j < d; j++) sums[to + j] = (sums[to + j] as number) + (data[from + j] as number);
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
  const final = assign(x, centres, k, resident);
  return { centres, inertia: final.inertia };
}

/**
 * Nearest centres by ‖x‖² − 2 x·c + ‖c‖², the cross terms as one matrix product (as
 * scikit-learn computes them): the distance loops become a kernel call.
 */
export function assign(
  x: DenseMatrix,
  centres: Float64Array,
  k: number,
  resident?: ResidentRows,
): { labels: Int32Array; inertia: number } {
  const { rows: n, cols: d, data } = x;
  const labels = new Int32Array(n);
  nearestCentres(x, centres, k, new Float64Array(resident ? 0 : n * k), new Float64Array(k), labels, resident);
  let inertia = 0;
  for (let i = 0; i < n; i++) {
    // The exact distance of the chosen centre, so the inertia carries no cancellation error.
    inertia += dist2(data, i * d, centres, (labels[i] as number) * d, d);
  }
  return { labels, inertia };
}

/**
 * labels[i] = row i's nearest centre, from cc = ‖c‖² and the cross terms X · Cᵀ: chosen in
 * the resident kernel's memory when X is resident, else from `cross` [n × k] here.
 */
function nearestCentres(
  x: DenseMatrix,
  centres: Float64Array,
  k: number,
  cross: Float64Array,
  cc: Float64Array,
  labels: Int32Array,
  resident?: ResidentRows,
): void {
  const { rows: n, cols: d, data } = x;
  for (let c = 0; c < k; c++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += (centres[c * d + j] as number) ** 2;
    cc[c] = s;
  }
  if (resident) {
    resident.nearest(centres, k, cc, labels);
    return;
  }
  matmulTransB(data, centres, n, d, k, cross);
  for (let i = 0; i < n; i++) labels[i] = nearest(cross, cc, i, k);
}

/** Row i's nearest centre from its cross terms (‖x‖² is the same for every centre). */
function nearest(cross: Float64Array, cc: Float64Array, i: number, k: number): number {
  let best = 0;
  let bestD = Number.POSITIVE_INFINITY;
  const at = i * k;
  for (let c = 0; c < k; c++) {
    const dd = (cc[c] as number) - 2 * (cross[at + c] as number);
    if (dd < bestD) {
      bestD = dd;
      best = c;
    }
  }
  return best;
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
