import { accuracy, confusionMatrix, rocAuc } from '../evaluation/classification-metrics.js';
import { type Curve, precisionRecallCurve, rocCurve } from '../evaluation/curves.js';
import { r2 } from '../evaluation/regression-metrics.js';
import { Frame } from '../frame/frame.js';
import { Rng } from '../random/rng.js';
import type { ModelPipeline } from './model-pipeline.js';

/** What the plots of a model page need, measured on the held-out rows. */
export interface Diagnostics {
  /** Classification: counts of [true class][predicted class]. */
  confusion?: { classes: string[]; matrix: number[][] };
  /** Binary classification: the ROC and precision–recall curves of the second class's probability. */
  roc?: Curve & { auc: number; positive: string };
  pr?: Curve & { averagePrecision: number; positive: string };
  /** Regression: actual against predicted, at most 500 rows. */
  regression?: { actual: number[]; predicted: number[] };
  /** Permutation importance: how much the score (accuracy or R²) drops when a column is shuffled. */
  importance?: { score: 'accuracy' | 'r2'; features: Array<{ feature: string; drop: number }> };
}

const MAX_CLASSES = 30;
const MAX_PAIRS = 500;
const MAX_IMPORTANCE_COLUMNS = 100;

/**
 * Confusion matrix, ROC and PR curves, actual-vs-predicted pairs and permutation
 * importance (scikit-learn's permutation_importance: a column's values shuffled across
 * rows, the score measured again, the drop averaged over repeats) for a fitted pipeline
 * on held-out rows. Seeded; cheap next to the fit (one prediction per column and repeat).
 */
export function holdoutDiagnostics(model: ModelPipeline, test: Frame, columns: string[], seed = 0): Diagnostics {
  if (test.nRows === 0) return {};
  const out: Diagnostics = {};
  const rng = new Rng(seed);
  const truthOf = targetText(test, model.target.name);
  let score: (frame: Frame) => number;
  if (model.target.task === 'regression') {
    const actual = Float64Array.from(truthOf, Number);
    const predicted = model.predict(test) as Float64Array;
    const rows = sample(test.nRows, MAX_PAIRS, rng);
    out.regression = {
      actual: rows.map((r) => actual[r] as number),
      predicted: rows.map((r) => predicted[r] as number),
    };
    score = (f) => r2(actual, model.predict(f) as Float64Array);
  } else {
    const classes = model.target.classes;
    const index = new Map(classes.map((c, i) => [c, i]));
    const y = Int32Array.from(truthOf, (v) => index.get(v) ?? -1);
    const known = y.every((v) => v >= 0);
    const codes = (f: Frame) => Int32Array.from(model.predict(f) as string[], (v) => index.get(v) as number);
    if (known && classes.length <= MAX_CLASSES) {
      const m = confusionMatrix(y, codes(test), classes.length);
      out.confusion = {
        classes,
        matrix: classes.map((_, i) => Array.from(m.subarray(i * classes.length, (i + 1) * classes.length))),
      };
    }
    if (known && classes.length === 2) {
      try {
        const proba = model.predictProba(test);
        const p1 = Array.from({ length: test.nRows }, (_, i) => proba[i * 2 + 1] as number);
        const positive = Array.from(y, (v) => v === 1);
        const roc = rocCurve(positive, p1);
        out.roc = { ...roc, auc: rocAuc(positive, p1), positive: classes[1] as string };
        out.pr = { ...precisionRecallCurve(positive, p1), positive: classes[1] as string };
      } catch {
        // no probabilities (SVMs without Platt scaling) or one class only in the rows
      }
    }
    score = (f) => accuracy(y, codes(f));
  }
  if (columns.length <= MAX_IMPORTANCE_COLUMNS) {
    const base = score(test);
    const repeats = columns.length * test.nRows <= 200_000 ? 3 : 1;
    const features = columns.map((feature) => {
      let drop = 0;
      for (let r = 0; r < repeats; r++) drop += base - score(shuffled(test, feature, rng));
      return { feature, drop: drop / repeats };
    });
    features.sort((a, b) => b.drop - a.drop);
    out.importance = { score: model.target.task === 'regression' ? 'r2' : 'accuracy', features: features.slice(0, 30) };
  }
  return out;
}

/** The frame with one column's values permuted across rows. */
function shuffled(frame: Frame, column: string, rng: Rng): Frame {
  const perm = rng.shuffle(Int32Array.from({ length: frame.nRows }, (_, i) => i));
  const moved = frame.select([column]).take(perm).column(column);
  return new Frame(frame.names.map((n) => [n, n === column ? moved : frame.column(n)]));
}

function sample(n: number, max: number, rng: Rng): number[] {
  const all = Array.from({ length: n }, (_, i) => i);
  if (n <= max) return all;
  return rng
    .shuffle(all)
    .slice(0, max)
    .sort((a, b) => a - b);
}

function targetText(frame: Frame, name: string): string[] {
  const c = frame.column(name);
  if (c.kind === 'numeric') return Array.from(c.values, (v) => (Number.isNaN(v) ? '' : String(v)));
  if (c.kind === 'categorical') return Array.from(c.codes, (k) => (k < 0 ? '' : (c.dictionary[k] as string)));
  return c.values.map((v) => v ?? '');
}
