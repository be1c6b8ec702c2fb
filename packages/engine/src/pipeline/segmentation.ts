import { silhouetteScore } from '../evaluation/silhouette.js';
import type { Column } from '../frame/column.js';
import { Frame } from '../frame/frame.js';
import { KMeans } from '../learners/k-means.js';
import type { FitProgress } from '../learners/learner.js';
import { takeRows } from '../linalg/dense-matrix.js';
import { Rng } from '../random/rng.js';
import { FeaturePipeline } from './feature-pipeline.js';

export interface Segmentation {
  /** The chosen number of segments and, for every k tried, its silhouette and smallest segment's share. */
  k: number;
  silhouettes: Array<{ k: number; silhouette: number; smallestShare: number; eligible: boolean }>;
  /** The smallest share of rows a segment had to hold for its k to be chosen. */
  minShare: number;
  /** Features log-scaled (log1p) before k-means because they were heavy-tailed. */
  logScaled: string[];
  /** Segment of each row. */
  labels: Int32Array;
  /** Per segment: size, the mean of every feature (in the data's units), and what sets it apart. */
  segments: Array<{
    segment: number;
    size: number;
    means: Record<string, number>;
    /** The features whose segment mean is furthest from the overall one, in standard deviations. */
    traits: SegmentTrait[];
    /** The traits in words, e.g. "many sessions, low rating". */
    description: string;
  }>;
}

export interface SegmentTrait {
  feature: string;
  /** How far the segment's mean lies from all rows' mean, in standard deviations (of the scaled feature). */
  z: number;
  level: 'very high' | 'high' | 'slightly high' | 'slightly low' | 'low' | 'very low';
}

export interface SegmentOptions {
  seed?: number;
  onProgress?: (p: FitProgress) => void;
  /**
   * The smallest share of rows every segment must hold for a k to be chosen (default
   * 0.05): a few extreme users otherwise win the silhouette as a segment of their own.
   */
  minShare?: number;
  /** Log-scale heavy-tailed non-negative features (counts, minutes, spend) first (default true). */
  logHeavyTails?: boolean;
}

/** A non-negative feature this skewed (Fisher's skewness) is log-scaled before k-means. */
const HEAVY_TAIL_SKEW = 2;
/**
 * Traits further than this from the mean (in standard deviations) describe a segment: a
 * large segment's means lie close to everyone's, and it is told apart by small shifts.
 */
const TRAIT_Z = 0.2;
const MAX_TRAITS = 3;

/** Silhouettes are O(n²): larger data is scored on a sample of this many rows. */
const SILHOUETTE_SAMPLE = 2_000;

/**
 * Segments rows by k-means on standardised numeric features (missing values imputed),
 * heavy-tailed ones log-scaled first, trying every k in [kMin, kMax] and keeping the best
 * silhouette among the k whose every segment holds at least `minShare` of the rows (the
 * best silhouette overall when no k qualifies). Each segment is described by the
 * features that set it apart.
 */
export function segment(
  frame: Frame,
  features: string[],
  kRange: [number, number],
  opts: SegmentOptions = {},
): Segmentation {
  const [kMin, kMax] = kRange;
  if (!(Number.isInteger(kMin) && Number.isInteger(kMax) && kMin >= 2 && kMax >= kMin)) {
    throw new Error('the k range must be integers with 2 ≤ kMin ≤ kMax');
  }
  if (frame.nRows <= kMax) throw new Error(`${frame.nRows} rows cannot make up to ${kMax} segments`);
  const minShare = opts.minShare ?? 0.05;
  if (!(minShare >= 0 && minShare < 1 / kMin)) throw new Error(`minShare must be in [0, 1/${kMin})`);
  const logScaled = opts.logHeavyTails === false ? [] : features.filter((f) => heavyTailed(frame.column(f)));
  const scaled = withLogScaled(frame, logScaled);
  const prep = FeaturePipeline.forFrame(scaled, '', true, features);
  const x = prep.fitTransform(scaled);
  if ('indptr' in x) throw new Error('segments are made from numeric and categorical features, not text');
  const rng = new Rng(opts.seed ?? 0);
  const sample =
    x.rows > SILHOUETTE_SAMPLE
      ? rng
          .shuffle(Int32Array.from({ length: x.rows }, (_, i) => i))
          .slice(0, SILHOUETTE_SAMPLE)
          .sort()
      : undefined;
  const sx = sample ? takeRows(x, sample) : x;
  const tried: Array<{ k: number; silhouette: number; smallestShare: number; labels: Int32Array }> = [];
  for (let k = kMin; k <= kMax; k++) {
    const m = new KMeans({ k }).fit(x, [], { seed: opts.seed ?? 0 });
    const labels = m.predict(x);
    const sl = sample ? Int32Array.from(sample, (i) => labels[i] as number) : labels;
    const silhouette = silhouetteScore(sx.data, sx.cols, sl);
    const sizes = new Int32Array(k);
    for (const l of labels) (sizes[l] as number)++;
    tried.push({ k, silhouette, smallestShare: Math.min(...sizes) / labels.length, labels });
    opts.onProgress?.({ stage: 'k', fraction: (k - kMin + 1) / (kMax - kMin + 1), metrics: { k, silhouette } });
  }
  const eligible = tried.filter((t) => t.smallestShare >= minShare);
  const chosen = (eligible.length ? eligible : tried).reduce((a, b) => (b.silhouette > a.silhouette ? b : a));
  const numeric = features.filter((f) => frame.column(f).kind === 'numeric');
  const segments = Array.from({ length: chosen.k }, (_, s) => ({
    segment: s,
    size: 0,
    means: {} as Record<string, number>,
    traits: [] as SegmentTrait[],
    description: '',
  }));
  for (const l of chosen.labels) (segments[l] as (typeof segments)[number]).size++;
  for (const f of numeric) {
    const raw = meansBy(frame.column(f), chosen.labels, chosen.k);
    const onScale = meansBy(scaled.column(f), chosen.labels, chosen.k);
    for (const seg of segments) {
      seg.means[f] = raw.means[seg.segment] as number;
      const z = onScale.std > 0 ? ((onScale.means[seg.segment] as number) - onScale.mean) / onScale.std : 0;
      if (Math.abs(z) >= TRAIT_Z) seg.traits.push({ feature: f, z, level: levelOf(z) });
    }
  }
  for (const seg of segments) {
    seg.traits.sort((a, b) => Math.abs(b.z) - Math.abs(a.z));
    seg.traits.length = Math.min(seg.traits.length, MAX_TRAITS);
    seg.description = seg.traits.length
      ? seg.traits.map((t) => `${t.level} ${t.feature}`).join(', ')
      : 'close to the average on every feature';
  }
  return {
    k: chosen.k,
    silhouettes: tried.map((t) => ({
      k: t.k,
      silhouette: t.silhouette,
      smallestShare: t.smallestShare,
      eligible: t.smallestShare >= minShare,
    })),
    minShare,
    logScaled,
    labels: chosen.labels,
    segments,
  };
}

function levelOf(z: number): SegmentTrait['level'] {
  const a = Math.abs(z);
  const side = z > 0 ? 'high' : 'low';
  return a >= 1.5 ? `very ${side}` : a >= 0.5 ? side : `slightly ${side}`;
}

/** Non-negative and strongly right-skewed: counts, durations, spend. */
function heavyTailed(col: Column): boolean {
  if (col.kind !== 'numeric') return false;
  let n = 0;
  let sum = 0;
  for (const v of col.values) {
    if (Number.isNaN(v)) continue;
    if (v < 0) return false;
    n++;
    sum += v;
  }
  if (n < 3) return false;
  const mean = sum / n;
  let m2 = 0;
  let m3 = 0;
  for (const v of col.values) {
    if (Number.isNaN(v)) continue;
    const d = v - mean;
    m2 += d * d;
    m3 += d * d * d;
  }
  m2 /= n;
  m3 /= n;
  return m2 > 0 && m3 / m2 ** 1.5 > HEAVY_TAIL_SKEW;
}

function withLogScaled(frame: Frame, names: string[]): Frame {
  if (names.length === 0) return frame;
  return new Frame(
    frame.names.map((name): [string, Column] => {
      const col = frame.column(name);
      if (!names.includes(name) || col.kind !== 'numeric') return [name, col];
      return [name, { kind: 'numeric', values: col.values.map((v) => (Number.isNaN(v) ? v : Math.log1p(v))) }];
    }),
  );
}

/** A numeric column's mean and standard deviation over all rows, and its mean per segment (missing values left out). */
function meansBy(col: Column, labels: Int32Array, k: number): { mean: number; std: number; means: Float64Array } {
  const sums = new Float64Array(k);
  const counts = new Float64Array(k);
  let n = 0;
  let sum = 0;
  let sq = 0;
  if (col.kind === 'numeric') {
    col.values.forEach((v, r) => {
      if (Number.isNaN(v)) return;
      const s = labels[r] as number;
      sums[s] = (sums[s] as number) + v;
      counts[s] = (counts[s] as number) + 1;
      n++;
      sum += v;
      sq += v * v;
    });
  }
  const mean = n ? sum / n : Number.NaN;
  return {
    mean,
    std: n ? Math.sqrt(Math.max(0, sq / n - mean * mean)) : Number.NaN,
    means: sums.map((v, s) => ((counts[s] as number) > 0 ? v / (counts[s] as number) : Number.NaN)),
  };
}
