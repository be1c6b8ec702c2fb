import { stratifiedKFold } from '../evaluation/splits.js';
import type { Frame } from '../frame/frame.js';
import type { FitProgress } from '../learners/learner.js';
import { learnerDefinition } from '../learners/learner-registry.js';
import type { TextVectorizerParams } from '../text/text-vectorizer.js';
import { chooseEnsemble } from './auto-ensemble.js';
import {
  type EvaluatedPredictions,
  evaluate,
  evaluatePredictions,
  holdoutRows,
  type TrainingOutcome,
  type TrainingRequest,
  trainWithHoldout,
} from './holdout-training.js';
import { ModelPipeline } from './model-pipeline.js';

export interface AutoRequest {
  /** Seconds for scoring candidates (the refit comes after); default 120. */
  timeBudgetS?: number;
  /** What "best" means: any metric the evaluation reports (default accuracy, or RMSE for regression). */
  metric?: string;
  /** k of the cross-validation scoring each candidate (default 3). */
  folds?: number;
  /**
   * Also build a weighted average of candidates that give probabilities (values, for
   * regression) from their out-of-fold predictions, and choose it when it scores better
   * than the best single one. Default true; false: always a single model.
   */
  ensemble?: boolean;
}

export interface AutoCandidate {
  algorithm: string;
  params: Record<string, unknown>;
  /** Text candidates: how the text becomes features (unless the request says). */
  text?: Partial<TextVectorizerParams>;
}

export interface AutoLeaderboardEntry extends AutoCandidate {
  /** Mean and standard deviation of the metric over the folds scored (null: none). */
  cvMean: number | null;
  cvStd: number | null;
  foldsScored: number;
  seconds: number;
  /**
   * `scored`: every fold; `stopped early`: its first fold was hopeless next to the best so
   * far; `out of time`: the budget ran out before it; `failed`: it could not fit (error).
   */
  status: 'scored' | 'stopped early' | 'out of time' | 'failed';
  error?: string;
}

export interface AutoOutcome extends TrainingOutcome {
  algorithm: string;
  params: Record<string, unknown>;
  /** The chosen candidate's text settings (text data). */
  text?: Partial<TextVectorizerParams>;
  metric: string;
  folds: number;
  timeBudgetS: number;
  leaderboard: AutoLeaderboardEntry[];
  /** Index of the chosen candidate in the leaderboard. */
  best: number;
}

/**
 * The two ways text becomes features that `auto` (and a sentiment training without text
 * settings) choose between: word uni- and bigrams, or character 2–5-grams within words
 * (which carry misspellings, morphology and text without spaces, such as Chinese).
 */
export const TEXT_CHOICES = {
  words: { analyzer: 'word' as const, ngramRange: [1, 2] as [number, number], sublinearTf: true },
  chars: { analyzer: 'char_wb' as const, ngramRange: [2, 5] as [number, number], sublinearTf: true },
};

/** Training rows above which `auto` leaves the kernel SVM out. */
const KERNEL_SVM_MAX_ROWS = 20_000;
/** Training rows up to which `auto`'s kernel SVM also learns probabilities. */
const KERNEL_SVM_PLATT_ROWS = 2_000;

/** Metrics where lower is better; every other one is better higher. */
const LOWER_IS_BETTER = new Set(['rmse', 'mae', 'logLoss']);

/**
 * What `auto` tries, cheapest first so that a short budget still scores the strong
 * simple models: linear models, forests, an RBF SVM, gradient boosting in a few sensible
 * settings, the MLP; for text, NB-SVM on word and on character n-grams, TF-IDF logistic
 * regression, a linear SVM and naive Bayes on word uni- and bigrams.
 */
export function autoPortfolio(task: 'classification' | 'regression', text: boolean, rows = 0): AutoCandidate[] {
  if (text) {
    const { words, chars } = TEXT_CHOICES;
    return [
      { algorithm: 'nb-svm', params: {}, text: words },
      { algorithm: 'nb-svm', params: {}, text: chars },
      { algorithm: 'logistic-regression', params: { C: 4 }, text: words },
      { algorithm: 'linear-svm', params: { C: 0.5 }, text: words },
      { algorithm: 'naive-bayes', params: {}, text: words },
    ];
  }
  if (task === 'regression')
    return [
      { algorithm: 'ridge', params: {} },
      { algorithm: 'random-forest', params: { nEstimators: 100 } },
      { algorithm: 'gradient-boosting', params: {} },
      { algorithm: 'gradient-boosting', params: { learningRate: 0.05, maxIter: 300, maxLeafNodes: 15 } },
      { algorithm: 'mlp', params: { hiddenLayers: [64], alpha: 1e-3 } },
    ];
  return [
    { algorithm: 'logistic-regression', params: {} },
    { algorithm: 'random-forest', params: { nEstimators: 100 } },
    // An RBF kernel with a looser margin than the default; its cost grows with the square
    // of the rows, so only where that stays within a budget's reach.
    // On small sets it also learns Platt probabilities, so that it can join an ensemble
    // and be judged by ranking metrics (each pair fitted five more times).
    ...(rows <= KERNEL_SVM_MAX_ROWS
      ? [{ algorithm: 'kernel-svm', params: rows <= KERNEL_SVM_PLATT_ROWS ? { C: 10, probability: true } : { C: 10 } }]
      : []),
    { algorithm: 'gradient-boosting', params: {} },
    { algorithm: 'gradient-boosting', params: { learningRate: 0.05, maxIter: 300, maxLeafNodes: 15 } },
    { algorithm: 'mlp', params: { hiddenLayers: [64], alpha: 1e-3 } },
    { algorithm: 'linear-svm', params: {} },
  ];
}

/**
 * Automatic model selection, as H2O AutoML or FLAML do it on a small scale: each
 * candidate of the portfolio is scored by k-fold cross-validation on the training rows
 * (the held-out rows kept aside exactly as trainWithHoldout keeps them) while the time
 * budget lasts; a candidate whose first fold is hopeless next to the best so far is
 * stopped there; the best by the metric is refitted on all training rows and measured
 * once on the held-out rows, which the selection never saw.
 */
export function autoSelect(
  frame: Frame,
  req: Omit<TrainingRequest, 'algorithm' | 'params'>,
  auto: AutoRequest,
  opts: {
    candidates?: AutoCandidate[];
    onProgress?: (p: FitProgress) => void;
    signal?: AbortSignal;
    /** The clock (tests). */
    now?: () => number;
    /** A fixed split (a benchmark's), instead of the seeded held-out rows. */
    split?: { train: ArrayLike<number>; test: ArrayLike<number> };
  } = {},
): AutoOutcome {
  const now = opts.now ?? (() => performance.now());
  const started = now();
  const timeBudgetS = auto.timeBudgetS ?? 120;
  const folds = auto.folds ?? 3;
  const ensemble = auto.ensemble ?? true;
  const regression = req.task === 'regression';
  const metric = auto.metric ?? (regression ? 'rmse' : 'accuracy');
  const lower = LOWER_IS_BETTER.has(metric);
  const better = (a: number, b: number) => (lower ? a < b : a > b);
  const text = req.features
    ? req.features.some((f) => frame.has(f) && frame.column(f).kind === 'text')
    : frame.names.some((n) => n !== req.target && frame.column(n).kind === 'text');
  // Class weights narrow the portfolio to the learners that take them.
  const candidates = (opts.candidates ?? autoPortfolio(req.task, text, frame.nRows)).filter(
    (c) => req.classWeight === undefined || learnerDefinition(c.algorithm).sampleWeights,
  );
  const seed = req.seed ?? 0;
  const held = holdoutRows(frame, req.target, req.task, req.testFraction ?? 0.2, seed);
  const strata = held.strata;
  const train = opts.split ? Int32Array.from(opts.split.train) : held.train;
  const trainFrame = frame.take(train);
  const splits = stratifiedKFold(
    Int32Array.from(train, (r) => strata[r] as number),
    folds,
    seed,
  );
  const leaderboard: AutoLeaderboardEntry[] = [];
  // Each candidate's predictions on each fold's held-out rows, for the ensemble's score.
  const outOfFold = new Map<number, EvaluatedPredictions[]>();
  let best = -1;
  const spent = () => (now() - started) / 1000;
  candidates.forEach((c, index) => {
    const entry: AutoLeaderboardEntry = {
      ...c,
      cvMean: null,
      cvStd: null,
      foldsScored: 0,
      seconds: 0,
      status: 'scored',
    };
    leaderboard.push(entry);
    // The first candidate is always scored: there must be something to choose.
    if (best >= 0 && spent() >= timeBudgetS) {
      entry.status = 'out of time';
      return;
    }
    const t0 = now();
    const values: number[] = [];
    try {
      for (const f of splits) {
        opts.signal?.throwIfAborted();
        const m = ModelPipeline.fit(trainFrame.take(f.train), req.target, c.algorithm, c.params, {
          task: req.task,
          features: req.features,
          text: req.text ?? c.text,
          classWeight: req.classWeight,
          kinds: req.kinds,
          seed,
          signal: opts.signal,
        });
        const evaluated = evaluatePredictions(m, trainFrame.take(f.test));
        if (ensemble) outOfFold.set(index, [...(outOfFold.get(index) ?? []), evaluated]);
        const score = evaluated.metrics[metric];
        if (score === undefined)
          throw new Error(`${c.algorithm} reports no ${metric} (it gives no probabilities, or the task has none)`);
        values.push(score);
        const leader = best >= 0 ? (leaderboard[best] as AutoLeaderboardEntry) : undefined;
        if (values.length === 1 && leader?.cvMean != null && isHopeless(score, leader, lower)) {
          entry.status = 'stopped early';
          break;
        }
        if (best >= 0 && spent() >= timeBudgetS && values.length < splits.length) {
          entry.status = 'out of time';
          break;
        }
      }
    } catch (err) {
      if (opts.signal?.aborted) throw err;
      entry.status = 'failed';
      entry.error = err instanceof Error ? err.message : String(err);
    }
    entry.seconds = (now() - t0) / 1000;
    entry.foldsScored = values.length;
    if (values.length > 0) {
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      entry.cvMean = mean;
      entry.cvStd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
    }
    // Only fully scored candidates can win: a partial mean is not comparable.
    if (entry.status === 'scored' && entry.cvMean !== null) {
      const leader = best >= 0 ? (leaderboard[best] as AutoLeaderboardEntry) : undefined;
      if (!leader || better(entry.cvMean, leader.cvMean as number)) best = index;
    }
    opts.onProgress?.({
      stage: 'candidate',
      fraction: Math.min(0.85, spent() / timeBudgetS, ((index + 1) / candidates.length) * 0.85),
      metrics: { candidate: index + 1, ...(entry.cvMean !== null && { [metric]: entry.cvMean }) },
    });
  });
  if (ensemble && best >= 0) {
    const pool = leaderboard
      .map((e, i) => ({ e, i }))
      .filter(({ e, i }) => {
        // Only candidates with probabilities (values) on every fold can be averaged.
        const folds = outOfFold.get(i) ?? [];
        return (
          e.status === 'scored' &&
          e.cvMean !== null &&
          folds.length === splits.length &&
          folds.every((p) => (regression ? p.values : p.proba))
        );
      })
      .sort((a, b) => (better(a.e.cvMean as number, b.e.cvMean as number) ? -1 : 1))
      // Members share one feature pipeline: on text, those reading it as the best one does.
      .filter(({ e }, _, all) => JSON.stringify(e.text) === JSON.stringify(all[0]?.e.text));
    const selection = chooseEnsemble(
      pool.map(({ i }) => outOfFold.get(i) ?? []),
      metric,
      lower,
    );
    if (selection) {
      const { scores } = selection;
      const members = selection.members.map((c) => (pool[c] as { e: AutoLeaderboardEntry }).e);
      const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
      leaderboard.push({
        algorithm: 'ensemble',
        params: {
          members: members.map((e) => ({ algorithm: e.algorithm, params: e.params })),
          weights: selection.weights,
        },
        ...(members[0]?.text && { text: members[0].text }),
        cvMean: mean,
        cvStd: Math.sqrt(scores.reduce((a, b) => a + (b - mean) ** 2, 0) / scores.length),
        foldsScored: scores.length,
        seconds: members.reduce((a, e) => a + e.seconds, 0),
        status: 'scored',
      });
      if (better(mean, (leaderboard[best] as AutoLeaderboardEntry).cvMean as number)) best = leaderboard.length - 1;
    }
  }
  if (best < 0) {
    const reasons = leaderboard.map((e) => `${e.algorithm}: ${e.error ?? e.status}`).join('; ');
    throw new Error(`no candidate could be scored (${reasons})`);
  }
  const chosen = leaderboard[best] as AutoLeaderboardEntry;
  const chosenText = req.text ?? chosen.text;
  const outcome = opts.split
    ? refitOnSplit(frame, trainFrame, opts.split.test, {
        ...req,
        algorithm: chosen.algorithm,
        params: chosen.params,
        text: chosenText,
      })
    : trainWithHoldout(
        frame,
        { ...req, algorithm: chosen.algorithm, params: chosen.params, text: chosenText, kFolds: 0 },
        {
          signal: opts.signal,
          onProgress: (p) =>
            opts.onProgress?.({ stage: 'refit', fraction: 0.85 + 0.15 * p.fraction, metrics: p.metrics }),
        },
      );
  return {
    ...outcome,
    algorithm: chosen.algorithm,
    params: chosen.params,
    ...((req.text ?? chosen.text) && { text: req.text ?? chosen.text }),
    metric,
    folds,
    timeBudgetS,
    leaderboard,
    best,
  };
}

function refitOnSplit(frame: Frame, trainFrame: Frame, test: ArrayLike<number>, req: TrainingRequest): TrainingOutcome {
  const model = ModelPipeline.fit(trainFrame, req.target, req.algorithm, req.params ?? {}, {
    task: req.task,
    features: req.features,
    text: req.text,
    classWeight: req.classWeight,
    kinds: req.kinds,
    seed: req.seed ?? 0,
  });
  return { model, metrics: evaluate(model, frame.take(test)), nTrain: trainFrame.nRows, nTest: test.length };
}

/** A first fold this far behind the leader's mean (3 of its standard deviations, at least 2%) will not catch up. */
function isHopeless(score: number, leader: AutoLeaderboardEntry, lower: boolean): boolean {
  const mean = leader.cvMean as number;
  const margin = Math.max(3 * (leader.cvStd ?? 0), 0.02 * Math.abs(mean));
  return lower ? score > mean + margin : score < mean - margin;
}
