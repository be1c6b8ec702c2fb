import { ActivationArena } from '../linalg/activation-kernel.js';
import { matmul, matmulTransA, matmulTransB, type Precision } from '../linalg/gemm.js';
import { softmaxRows } from './row-scores.js';

/** A network's shape and weights: what a forward pass needs. */
export interface MlpNetwork {
  /** Units per layer, inputs first. */
  sizes: number[];
  /** Per layer: weights [in × out] row-major and biases [out]. */
  weights: Float64Array[];
  biases: Float64Array[];
  relu: boolean;
  /** Softmax (or one sigmoid unit) on the output for classification; identity for regression. */
  classification: boolean;
  /**
   * The matrix products' precision: training takes float32 products (twice the kernel's
   * speed; sums of a few hundred products lose nothing SGD's noise does not swamp),
   * predictions and gradient checks float64 (the default).
   */
  precision?: Precision;
}

/**
 * One mini-batch's gradient, cut into ranges of its rows: plain data, so that worker
 * threads compute some ranges (threads/task-session.ts). The weights, the row order and
 * the batch are shared memory that the training loop changes between batches.
 */
export interface MlpBatchJob extends MlpNetwork {
  x: Float64Array;
  y: Float64Array;
  sampleWeight?: Float64Array;
  /** The epoch's row order. */
  order: Int32Array;
  /**
   * The current batch: [first position in `order`, rows, ranges its rows are cut into
   * (fixed by the batch's size and the network's, see batchRanges)].
   */
  batch: Int32Array;
  /**
   * Worker w writes range r's gradient at ((w · MAX_RANGES) + r) · parameterCount, and
   * sends back a view of it rather than a new array (workerRangeGradient).
   */
  workerGrads?: Float64Array;
}

/** Rows × weights (forward and backward) worth a range of their own: ~0.1 ms. */
const WORK_PER_RANGE = 300_000;
/**
 * Each range multiplies by every weight matrix, and the matrix-product kernel copies its
 * operands in: more ranges, more copies. Measured on letters (16,000 × 16, layers 128 and
 * 64, 10 epochs): one range 1.5–1.7 s, two 1.0 s, three 1.4 s, four 1.4 s on two threads.
 */
export const MAX_RANGES = 2;

export function batchRanges(rows: number, sizes: number[]): number {
  let perRow = 0;
  for (let l = 0; l + 1 < sizes.length; l++) perRow += 3 * (sizes[l] as number) * (sizes[l + 1] as number);
  return Math.max(1, Math.min(MAX_RANGES, Math.floor(rows / 16), Math.floor((rows * perRow) / WORK_PER_RANGE)));
}

/** A forward pass's arrays for `rows` rows: acts[l] [rows × sizes[l]] in one arena. */
export function layerArrays(sizes: number[], rows: number): { arena: ActivationArena; acts: Float64Array[] } {
  let total = 0;
  for (const s of sizes) total += rows * s + 1;
  const arena = new ActivationArena(total, Math.max(...sizes));
  return { arena, acts: sizes.map((s) => arena.array(rows * s)) };
}

/**
 * Fills acts[1..L] for `rows` rows of x, copied into acts[0] unless it is acts[0]. The
 * arrays are the arena's (layerArrays): a ReLU layer's bias and activation run in its
 * branch-free kernel.
 */
export function forward(
  net: MlpNetwork,
  x: Float64Array,
  rows: number,
  acts: Float64Array[],
  arena: ActivationArena,
): void {
  const { sizes, weights, biases, relu } = net;
  const input = acts[0] as Float64Array;
  if (x !== input) input.set(x.subarray(0, rows * (sizes[0] as number)));
  const layers = weights.length;
  for (let l = 0; l < layers; l++) {
    const inSize = sizes[l] as number;
    const outSize = sizes[l + 1] as number;
    const z = acts[l + 1] as Float64Array;
    matmul(acts[l] as Float64Array, weights[l] as Float64Array, rows, inSize, outSize, z, net.precision);
    const bias = biases[l] as Float64Array;
    const hidden = l < layers - 1;
    if (hidden && relu) arena.biasRelu(z, bias, rows, outSize);
    else {
      for (let i = 0; i < rows; i++) {
        const o = i * outSize;
        for (let j = 0; j < outSize; j++) {
          const v = (z[o + j] as number) + (bias[j] as number);
          z[o + j] = hidden ? Math.tanh(v) : v;
        }
      }
    }
    if (hidden || !net.classification) continue;
    if (outSize === 1) for (let i = 0; i < rows; i++) z[i] = 1 / (1 + Math.exp(-(z[i] as number)));
    else softmaxRows(z, rows, outSize, z);
  }
}

/** The parameters' count: weights of every layer, then biases of every layer. */
export function parameterCount(sizes: number[]): number {
  let n = 0;
  for (let l = 0; l + 1 < sizes.length; l++) n += ((sizes[l] as number) + 1) * (sizes[l + 1] as number);
  return n;
}

export interface RangeGradient {
  /** Σ w_i · loss_i over the range's rows. */
  loss: number;
  /** Σ over the range of ∂(w_i · loss_i / batchRows)/∂θ: weights of every layer, then biases; no L2. */
  grad: Float64Array;
}

// Activations and error signals of one range, reused between calls on the same thread.
let scratch:
  | { key: string; capacity: number; arena: ActivationArena; acts: Float64Array[]; deltas: Float64Array[] }
  | undefined;

/**
 * Range `r` of a batch on worker `slot` of a task session, into the memory kept for that
 * worker and range: each batch would otherwise allocate (and the training thread
 * collect) an array the size of the network.
 */
export function workerRangeGradient(job: MlpBatchJob, r: number, slot: number): RangeGradient {
  const count = parameterCount(job.sizes);
  const at = (slot * MAX_RANGES + r) * count;
  return batchRangeGradient(job, r, job.workerGrads?.subarray(at, at + count));
}

/**
 * Range `r` of the job's current batch: forward, loss and back-propagated gradient, into
 * `into` when given (else a new array). Whoever writes into `into` must be the only
 * thread writing there until the result is read: a range taken back from a late worker
 * is computed into the training thread's own buffers.
 */
export function batchRangeGradient(job: MlpBatchJob, r: number, into?: Float64Array): RangeGradient {
  const { sizes, weights } = job;
  const d = sizes[0] as number;
  const start = job.batch[0] as number;
  const b = job.batch[1] as number;
  const ranges = job.batch[2] as number;
  const from = Math.floor((r * b) / ranges);
  const rows = Math.floor(((r + 1) * b) / ranges) - from;
  const key = sizes.join(',');
  if (scratch?.key !== key || scratch.capacity < rows) {
    const { arena, acts } = layerArrays([...sizes, ...sizes], rows);
    scratch = { key, capacity: rows, arena, acts: acts.slice(0, sizes.length), deltas: acts.slice(sizes.length) };
  }
  const { arena, acts, deltas } = scratch;
  // The batch's rows straight into the input layer.
  const xb = acts[0] as Float64Array;
  for (let i = 0; i < rows; i++) {
    const row = job.order[start + from + i] as number;
    xb.set(job.x.subarray(row * d, (row + 1) * d), i * d);
  }
  forward(job, xb, rows, acts, arena);
  const layers = weights.length;
  const out = sizes[layers] as number;
  const a = acts[layers] as Float64Array;
  const delta = deltas[layers] as Float64Array;
  let loss = 0;
  for (let i = 0; i < rows; i++) {
    const row = job.order[start + from + i] as number;
    const yi = job.y[row] as number;
    const wi = job.sampleWeight ? (job.sampleWeight[row] as number) : 1;
    // Each row's error signal carries 1/b of the whole batch, so the ranges' sums add up to its mean.
    const scale = wi / b;
    if (!job.classification) {
      const diff = (a[i] as number) - yi;
      loss += wi * 0.5 * diff * diff;
      delta[i] = diff * scale;
    } else if (out === 1) {
      const pr = Math.min(Math.max(a[i] as number, 1e-15), 1 - 1e-15);
      loss -= wi * (yi === 1 ? Math.log(pr) : Math.log(1 - pr));
      delta[i] = ((a[i] as number) - yi) * scale;
    } else {
      loss -= wi * Math.log(Math.max(a[i * out + yi] as number, 1e-15));
      for (let c = 0; c < out; c++) delta[i * out + c] = ((a[i * out + c] as number) - (c === yi ? 1 : 0)) * scale;
    }
  }
  const count = parameterCount(sizes);
  const grad = into ?? new Float64Array(count);
  // Offsets of each layer's weights and biases in `grad`.
  let biasAt = 0;
  for (const w of weights) biasAt += w.length;
  // The weights' part is overwritten by the products below; the biases' is summed into.
  if (into) grad.fill(0, biasAt);
  let weightAt = biasAt;
  for (let l = layers - 1; l >= 0; l--) {
    const inSize = sizes[l] as number;
    const outSize = sizes[l + 1] as number;
    weightAt -= inSize * outSize;
    const dl = deltas[l + 1] as Float64Array;
    matmulTransA(
      acts[l] as Float64Array,
      dl,
      rows,
      inSize,
      outSize,
      grad.subarray(weightAt, weightAt + inSize * outSize),
      job.precision,
    );
    let gbAt = biasAt;
    for (let q = 0; q < l; q++) gbAt += sizes[q + 1] as number;
    arena.addColumnSums(grad, gbAt, dl, rows, outSize);
    if (l > 0) {
      const prev = deltas[l] as Float64Array;
      matmulTransB(dl, weights[l] as Float64Array, rows, outSize, inSize, prev, job.precision);
      const h = acts[l] as Float64Array;
      if (job.relu) arena.reluMask(prev, h, rows * inSize);
      else {
        for (let i = 0; i < rows * inSize; i++) {
          const hv = h[i] as number;
          prev[i] = (prev[i] as number) * (1 - hv * hv);
        }
      }
    }
  }
  return { loss, grad };
}
