import { silhouetteScore } from '../evaluation/silhouette.js';
import type { Frame } from '../frame/frame.js';
import { KMeans } from '../learners/k-means.js';
import type { FitProgress } from '../learners/learner.js';
import { takeRows } from '../linalg/dense-matrix.js';
import { Rng } from '../random/rng.js';
import { FeaturePipeline } from './feature-pipeline.js';

export interface Segmentation {
  /** The chosen number of segments and the silhouette of every k tried. */
  k: number;
  silhouettes: Array<{ k: number; silhouette: number }>;
  /** Segment of each row. */
  labels: Int32Array;
  /** Per segment: size and the mean of every feature (in the data's units). */
  segments: Array<{ segment: number; size: number; means: Record<string, number> }>;
}

/** Silhouettes are O(n²): larger data is scored on a sample of this many rows. */
const SILHOUETTE_SAMPLE = 2_000;

/**
 * Segments rows by k-means on standardised numeric features (missing values imputed),
 * trying every k in [kMin, kMax] and keeping the one with the best silhouette.
 */
export function segment(
  frame: Frame,
  features: string[],
  kRange: [number, number],
  opts: { seed?: number; onProgress?: (p: FitProgress) => void } = {},
): Segmentation {
  const [kMin, kMax] = kRange;
  if (!(Number.isInteger(kMin) && Number.isInteger(kMax) && kMin >= 2 && kMax >= kMin)) {
    throw new Error('the k range must be integers with 2 ≤ kMin ≤ kMax');
  }
  if (frame.nRows <= kMax) throw new Error(`${frame.nRows} rows cannot make up to ${kMax} segments`);
  const prep = FeaturePipeline.forFrame(frame, '', true, features);
  const x = prep.fitTransform(frame);
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
  let best: { k: number; silhouette: number; labels: Int32Array } | undefined;
  const silhouettes: Segmentation['silhouettes'] = [];
  for (let k = kMin; k <= kMax; k++) {
    const m = new KMeans({ k }).fit(x, [], { seed: opts.seed ?? 0 });
    const labels = m.predict(x);
    const sl = sample ? Int32Array.from(sample, (i) => labels[i] as number) : labels;
    const silhouette = silhouetteScore(sx.data, sx.cols, sl);
    silhouettes.push({ k, silhouette });
    if (!best || silhouette > best.silhouette) best = { k, silhouette, labels };
    opts.onProgress?.({ stage: 'k', fraction: (k - kMin + 1) / (kMax - kMin + 1), metrics: { k, silhouette } });
  }
  const chosen = best as NonNullable<typeof best>;
  const numeric = features.filter((f) => frame.column(f).kind === 'numeric');
  const segments = Array.from({ length: chosen.k }, (_, s) => ({
    segment: s,
    size: 0,
    means: {} as Record<string, number>,
  }));
  const sums = numeric.map(() => new Float64Array(chosen.k));
  const counts = numeric.map(() => new Float64Array(chosen.k));
  for (let r = 0; r < frame.nRows; r++) {
    const s = chosen.labels[r] as number;
    (segments[s] as (typeof segments)[number]).size++;
    numeric.forEach((f, j) => {
      const col = frame.column(f);
      const v = col.kind === 'numeric' ? (col.values[r] as number) : Number.NaN;
      if (Number.isNaN(v)) return;
      (sums[j] as Float64Array)[s] = ((sums[j] as Float64Array)[s] as number) + v;
      (counts[j] as Float64Array)[s] = ((counts[j] as Float64Array)[s] as number) + 1;
    });
  }
  for (const seg of segments) {
    numeric.forEach((f, j) => {
      const c = (counts[j] as Float64Array)[seg.segment] as number;
      seg.means[f] = c > 0 ? ((sums[j] as Float64Array)[seg.segment] as number) / c : Number.NaN;
    });
  }
  return { k: chosen.k, silhouettes, labels: chosen.labels, segments };
}
