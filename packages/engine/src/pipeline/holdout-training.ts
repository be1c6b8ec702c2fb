import { classificationMetrics, regressionMetrics } from '../evaluation/prediction-metrics.js';
import { stratifiedKFold, stratifiedSplit } from '../evaluation/splits.js';
import type { Frame } from '../frame/frame.js';
import type { ClassWeight } from '../learners/class-weights.js';
import type { FitProgress } from '../learners/learner.js';
import type { TextVectorizerParams } from '../text/text-vectorizer.js';
import type { ColumnKinds } from './column-kinds.js';
import { ModelPipeline } from './model-pipeline.js';

export interface TrainingRequest {
  target: string;
  algorithm: string;
  task: 'classification' | 'regression';
  /** Columns to learn from; default every column but the target. */
  features?: string[];
  params?: Record<string, unknown>;
  text?: Partial<TextVectorizerParams>;
  seed?: number;
  /** Share of rows held out for the metrics (stratified for classification). Default 0.2. */
  testFraction?: number;
  /** k-fold cross-validation on the training rows as well (0: none). */
  kFolds?: number;
  /** Classification: "balanced" or a weight per class label. */
  classWeight?: ClassWeight;
  /** How to read columns, over what their values suggest. */
  kinds?: ColumnKinds;
}

export interface CrossValidation {
  folds: number;
  metric: string;
  values: number[];
  mean: number;
  std: number;
}

export interface TrainingOutcome {
  model: ModelPipeline;
  /** Measured on the held-out rows. */
  metrics: Record<string, number>;
  crossValidation?: CrossValidation;
  nTrain: number;
  nTest: number;
}

/**
 * Trains a pipeline the way the platform reports it: a held-out split (stratified by
 * class) for the metrics, the model fitted on the rest, and optionally k-fold
 * cross-validation on the training rows. Progress covers every step.
 */
export function trainWithHoldout(
  frame: Frame,
  req: TrainingRequest,
  opts: {
    onProgress?: (p: FitProgress) => void;
    signal?: AbortSignal;
    /** The k folds' scores, computed elsewhere (sub-jobs, by crossValidationFoldScore). */
    foldScores?: number[];
  } = {},
): TrainingOutcome {
  const seed = req.seed ?? 0;
  const testFraction = req.testFraction ?? 0.2;
  const { train, test } = holdoutRows(frame, req.target, req.task, testFraction, seed);
  const trainFrame = frame.take(train);
  const testFrame = frame.take(test);
  const folds = req.kFolds ?? 0;
  const fitShare = folds > 1 ? 0.5 : 0.95;
  const report = (stage: string, fraction: number, metrics?: Record<string, number>) =>
    opts.onProgress?.({ stage, fraction: Math.min(1, fraction), metrics });

  const fit = (rows: Frame, onProgress?: (p: FitProgress) => void) =>
    ModelPipeline.fit(rows, req.target, req.algorithm, req.params ?? {}, {
      task: req.task,
      features: req.features,
      text: req.text,
      classWeight: req.classWeight,
      kinds: req.kinds,
      seed,
      signal: opts.signal,
      onProgress,
    });

  const model = fit(trainFrame, (p) => report(p.stage, p.fraction * fitShare, p.metrics));
  report('evaluate', fitShare);
  const metrics = evaluate(model, testFrame);
  let crossValidation: CrossValidation | undefined;
  if (folds > 1) {
    const headline = model.target.task === 'classification' ? 'accuracy' : 'rmse';
    const values: number[] = [];
    for (let i = 0; i < folds; i++) {
      opts.signal?.throwIfAborted();
      values.push(opts.foldScores?.[i] ?? foldScore(frame, req, i, opts.signal));
      report('cross-validate', fitShare + ((1 - fitShare) * (i + 1)) / folds, {
        fold: i + 1,
        [headline]: values.at(-1) as number,
      });
    }
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
    crossValidation = { folds, metric: headline, values, mean, std };
  }
  report('done', 1, metrics);
  return { model, metrics, crossValidation, nTrain: train.length, nTest: test.length };
}

/**
 * Fold `index` of trainWithHoldout's k-fold cross-validation on the training rows: a
 * model fitted on the other folds, scored (accuracy, or RMSE for regression) on this
 * one. What a sub-job runs, so that folds spread over workers give what one process does.
 */
export function crossValidationFoldScore(
  frame: Frame,
  req: TrainingRequest,
  index: number,
  signal?: AbortSignal,
): number {
  return foldScore(frame, req, index, signal);
}

function foldScore(frame: Frame, req: TrainingRequest, index: number, signal?: AbortSignal): number {
  const seed = req.seed ?? 0;
  const { strata, train } = holdoutRows(frame, req.target, req.task, req.testFraction ?? 0.2, seed);
  const trainFrame = frame.take(train);
  const trainStrata = Int32Array.from(train, (r) => strata[r] as number);
  const fold = stratifiedKFold(trainStrata, req.kFolds ?? 0, seed)[index];
  if (!fold) throw new Error(`cross-validation has no fold ${index}`);
  const m = ModelPipeline.fit(trainFrame.take(fold.train), req.target, req.algorithm, req.params ?? {}, {
    task: req.task,
    features: req.features,
    text: req.text,
    classWeight: req.classWeight,
    kinds: req.kinds,
    seed,
    signal,
  });
  return evaluate(m, trainFrame.take(fold.test))[m.target.task === 'classification' ? 'accuracy' : 'rmse'] as number;
}

/**
 * The rows training holds out: stratified by class for classification, a seeded shuffle
 * for regression. Exported so that an evaluation on "the held-out part of this dataset
 * version" sees exactly the rows a version trained with the same seed never saw.
 */
export function holdoutRows(
  frame: Frame,
  target: string,
  task: 'classification' | 'regression',
  testFraction: number,
  seed: number,
): { strata: Int32Array; train: Int32Array; test: Int32Array } {
  const classes = classIndex(frame, target, task);
  const strata = classes ? classes.y : new Int32Array(frame.nRows);
  return { strata, ...stratifiedSplit(strata, testFraction, seed) };
}

/** Held-out metrics: accuracy, balanced accuracy, macro F1, log loss, ROC AUC (…); or RMSE, MAE, R². */
export function evaluate(model: ModelPipeline, frame: Frame): Record<string, number> {
  return evaluatePredictions(model, frame).metrics;
}

/** A model's predictions on labelled rows, and what they measure. */
export interface EvaluatedPredictions {
  metrics: Record<string, number>;
  /** Classification: the rows' class indices (−1: unseen), and probabilities [n × K] when the model gives them. */
  y?: Int32Array;
  proba?: Float64Array;
  /** Regression: the rows' values and the predictions. */
  truth?: Float64Array;
  values?: Float64Array;
}

/** evaluate, keeping the predictions (auto averages them into an ensemble's score). */
export function evaluatePredictions(model: ModelPipeline, frame: Frame): EvaluatedPredictions {
  const target = frame.column(model.target.name);
  if (model.target.task === 'regression') {
    if (target.kind !== 'numeric') throw new Error(`the target "${model.target.name}" must be numeric`);
    const values = model.predict(frame) as Float64Array;
    return { metrics: regressionMetrics(target.values, values), truth: target.values, values };
  }
  const classes = model.target.classes;
  const index = new Map(classes.map((c, i) => [c, i]));
  const y = Int32Array.from(columnStrings(frame, model.target.name), (v) => index.get(v ?? '') ?? -1);
  const predicted = Int32Array.from(model.predict(frame) as string[], (v) => index.get(v) as number);
  let proba: Float64Array | undefined;
  try {
    proba = model.predictProba(frame);
  } catch {
    proba = undefined; // learners without probabilities (linear SVM, kernel SVM without Platt)
  }
  return { metrics: classificationMetrics(y, predicted, proba, classes.length), y, proba };
}

/** Class indices of the target, or undefined for regression. */
function classIndex(frame: Frame, target: string, task?: string): { y: Int32Array } | undefined {
  const col = frame.column(target);
  if (task === 'regression' || (task === undefined && col.kind === 'numeric' && new Set(col.values).size > 20))
    return undefined;
  const names = columnStrings(frame, target);
  const index = new Map<string, number>();
  return {
    y: Int32Array.from(names, (v) => {
      const key = v ?? '';
      let i = index.get(key);
      if (i === undefined) {
        i = index.size;
        index.set(key, i);
      }
      return i;
    }),
  };
}

function columnStrings(frame: Frame, name: string): Array<string | null> {
  const col = frame.column(name);
  if (col.kind === 'numeric') return Array.from(col.values, (v) => (Number.isNaN(v) ? null : String(v)));
  if (col.kind === 'categorical') return Array.from(col.codes, (c) => (c < 0 ? null : (col.dictionary[c] as string)));
  return col.values;
}
