import { stratifiedKFold, stratifiedSplit } from '../evaluation/splits.js';
import type { Frame } from '../frame/frame.js';
import type { FitProgress } from '../learners/learner.js';
import { Rng } from '../random/rng.js';
import { evaluate, type TrainingOutcome, type TrainingRequest, trainWithHoldout } from './holdout-training.js';
import { ModelPipeline } from './model-pipeline.js';

export interface SearchRequest {
  strategy: 'grid' | 'random';
  /** Candidate values per parameter. */
  space: Record<string, unknown[]>;
  /** Random search: how many distinct combinations to try (default 10; at most the grid's size). */
  trials?: number;
  /** k of the k-fold cross-validation scoring each trial (default 3). */
  folds?: number;
}

export interface SearchTrial {
  params: Record<string, unknown>;
  /** Mean and standard deviation of the metric over the folds. */
  mean: number;
  std: number;
}

export interface SearchOutcome extends TrainingOutcome {
  strategy: 'grid' | 'random';
  metric: string;
  folds: number;
  trials: SearchTrial[];
  /** Index of the winning trial. */
  best: number;
  /** The params the model was fitted with (fixed ones and the winner's). */
  params: Record<string, unknown>;
}

/**
 * Hyper-parameter search, as scikit-learn's GridSearchCV / RandomizedSearchCV: each
 * combination scored by k-fold cross-validation on the training rows (accuracy, or
 * RMSE for regression), the best refitted on all training rows and measured on the
 * held-out rows, which the search never saw.
 */
export function searchHyperParameters(
  frame: Frame,
  req: TrainingRequest,
  search: SearchRequest,
  opts: {
    onProgress?: (p: FitProgress) => void;
    onTrial?: (t: SearchTrial, index: number) => void;
    signal?: AbortSignal;
    /**
     * Each combination's fold scores, computed elsewhere (sub-jobs on other workers, by
     * searchTrialScores): the search then only picks the best and refits it.
     */
    trialScores?: number[][];
  } = {},
): SearchOutcome {
  const seed = req.seed ?? 0;
  const combos = searchCombinations(search, seed);
  const regression = req.task === 'regression';
  const metric = regression ? 'rmse' : 'accuracy';
  const plan = opts.trialScores ? undefined : trialPlan(frame, req, search);
  const folds = search.folds ?? 3;
  const total = combos.length * folds + 1;
  let done = 0;
  const trials: SearchTrial[] = combos.map((params, index) => {
    const values =
      opts.trialScores?.[index] ??
      (plan as TrialPlan).splits.map((f) => {
        const value = scoreFold(plan as TrialPlan, req, params, f, opts.signal);
        done++;
        opts.onProgress?.({ stage: 'trial', fraction: done / total });
        return value;
      });
    if (values.length !== folds) throw new Error(`trial ${index + 1} has ${values.length} fold scores, not ${folds}`);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
    const trial = { params, mean, std };
    opts.onTrial?.(trial, index);
    opts.onProgress?.({ stage: 'trial', fraction: done / total, metrics: { trial: index + 1, [metric]: mean } });
    return trial;
  });
  done = combos.length * folds;
  let best = 0;
  trials.forEach((t, i) => {
    const better = regression
      ? t.mean < (trials[best] as SearchTrial).mean
      : t.mean > (trials[best] as SearchTrial).mean;
    if (better) best = i;
  });
  const params = { ...req.params, ...(trials[best] as SearchTrial).params };
  const outcome = trainWithHoldout(
    frame,
    { ...req, params, kFolds: 0 },
    {
      signal: opts.signal,
      onProgress: (p) =>
        opts.onProgress?.({ stage: 'refit', fraction: (done + p.fraction) / total, metrics: p.metrics }),
    },
  );
  return { ...outcome, strategy: search.strategy, metric, folds, trials, best, params };
}

/**
 * One combination's fold scores, exactly as searchHyperParameters computes them: what
 * a sub-job runs, so that a search spread over workers picks what one process would.
 */
export function searchTrialScores(
  frame: Frame,
  req: TrainingRequest,
  search: SearchRequest,
  combo: number,
  opts: { signal?: AbortSignal; onFold?: (done: number) => void } = {},
): number[] {
  const params = searchCombinations(search, req.seed ?? 0)[combo];
  if (!params) throw new Error(`the search has no combination ${combo}`);
  const plan = trialPlan(frame, req, search);
  return plan.splits.map((f, i) => {
    const value = scoreFold(plan, req, params, f, opts.signal);
    opts.onFold?.(i + 1);
    return value;
  });
}

interface TrialPlan {
  trainFrame: Frame;
  splits: Array<{ train: Int32Array; test: Int32Array }>;
  metric: 'rmse' | 'accuracy';
}

/** The training rows (the held-out ones kept aside, as trainWithHoldout does) and their folds. */
function trialPlan(frame: Frame, req: TrainingRequest, search: SearchRequest): TrialPlan {
  const seed = req.seed ?? 0;
  const regression = req.task === 'regression';
  const strata = regression ? new Int32Array(frame.nRows) : labelsOf(frame, req.target);
  const { train } = stratifiedSplit(strata, req.testFraction ?? 0.2, seed);
  const trainStrata = Int32Array.from(train, (r) => strata[r] as number);
  return {
    trainFrame: frame.take(train),
    splits: stratifiedKFold(trainStrata, search.folds ?? 3, seed),
    metric: regression ? 'rmse' : 'accuracy',
  };
}

function scoreFold(
  plan: TrialPlan,
  req: TrainingRequest,
  params: Record<string, unknown>,
  fold: { train: Int32Array; test: Int32Array },
  signal?: AbortSignal,
): number {
  signal?.throwIfAborted();
  const m = ModelPipeline.fit(
    plan.trainFrame.take(fold.train),
    req.target,
    req.algorithm,
    { ...req.params, ...params },
    {
      task: req.task,
      features: req.features,
      text: req.text,
      classWeight: req.classWeight,
      kinds: req.kinds,
      seed: req.seed ?? 0,
      signal,
    },
  );
  return evaluate(m, plan.trainFrame.take(fold.test))[plan.metric] as number;
}

/** Every combination (grid), or `trials` distinct ones drawn at random. */
export function searchCombinations(search: SearchRequest, seed: number): Array<Record<string, unknown>> {
  const names = Object.keys(search.space);
  let all: Array<Record<string, unknown>> = [{}];
  for (const n of names) {
    all = all.flatMap((c) => (search.space[n] as unknown[]).map((v) => ({ ...c, [n]: v })));
  }
  if (search.strategy === 'grid') return all;
  const rng = new Rng(seed);
  rng.shuffle(all);
  return all.slice(0, Math.min(search.trials ?? 10, all.length));
}

function labelsOf(frame: Frame, target: string): Int32Array {
  const col = frame.column(target);
  const key = (i: number): string =>
    col.kind === 'numeric'
      ? String(col.values[i])
      : col.kind === 'categorical'
        ? String(col.codes[i])
        : (col.values[i] ?? '');
  const index = new Map<string, number>();
  return Int32Array.from({ length: frame.nRows }, (_, i) => {
    const k = key(i);
    let v = index.get(k);
    if (v === undefined) {
      v = index.size;
      index.set(k, v);
    }
    return v;
  });
}
