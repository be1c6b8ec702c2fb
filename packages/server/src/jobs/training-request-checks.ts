import {
  type ClassWeight,
  type ColumnKinds,
  createLearner,
  type DeclaredKind,
  type LearnerDefinition,
  learnerDefinition,
  learnerNames,
  RECOMMENDER_AUTO_METRICS,
  recommenderDefinition,
} from '@marquee/engine';
import { Invalid } from '../errors.js';
import type { TrainingJobRequest } from './job-service.js';
import type { AutoSpec, InteractionColumns, SearchSpec, TrainingSpec } from './training-messages.js';

/*
 * The checks a training request passes before it is queued, beside the tabular ones in
 * JobService: auto's options, a recommendation's columns and split, a search's space.
 */

/** At most this many trials per search (a grid's size is the product of its lists). */
const MAX_TRIALS = 200;

/** Metrics `auto` may pick its winner by, per task (what the evaluation reports for every candidate). */
const AUTO_METRICS: Record<'classification' | 'regression', string[]> = {
  classification: [
    'accuracy',
    'balancedAccuracy',
    'macroF1',
    'rocAuc',
    'logLoss',
    'averagePrecision',
    'hitsTop5',
    'hitsTop10',
    'liftTop5',
    'liftTop10',
  ],
  regression: ['rmse', 'mae', 'r2'],
};

/** `algorithm: "auto"`: no params or search of its own; a budget and a metric it knows. */
export function checkAuto(req: TrainingJobRequest, task: 'classification' | 'regression'): AutoSpec {
  if (req.params && Object.keys(req.params).length > 0)
    throw new Invalid('"auto" chooses the algorithm and its params: give no params');
  if (req.search) throw new Invalid('"auto" runs its own search: give no search');
  const timeBudgetS = req.timeBudgetS ?? 120;
  if (!(Number.isInteger(timeBudgetS) && timeBudgetS >= 1 && timeBudgetS <= 6 * 3600))
    throw new Invalid('timeBudgetS must be a whole number of seconds from 1 to 21600');
  if (req.metric !== undefined && !AUTO_METRICS[task].includes(req.metric))
    throw new Invalid(`metric must be one of ${AUTO_METRICS[task].join(', ')} for ${task}`);
  return {
    timeBudgetS,
    ...(req.metric && { metric: req.metric }),
    folds: 3,
    ...(req.ensemble !== undefined && { ensemble: req.ensemble }),
  };
}

/**
 * Class weights: classification only, and a learner that takes them (`auto` then scores
 * only such learners). Labels are checked against the target's classes when training
 * reads them.
 */
export function checkClassWeight(
  classWeight: ClassWeight,
  task: 'classification' | 'regression',
  def: LearnerDefinition | undefined,
): void {
  if (task !== 'classification') throw new Invalid('classWeight applies to classification and sentiment');
  if (classWeight !== 'balanced') {
    for (const [label, w] of Object.entries(classWeight)) {
      if (!(w > 0)) throw new Invalid(`classWeight for "${label}" must be a positive number`);
    }
  }
  if (def && !def.sampleWeights) {
    const weighted = learnerNames().filter((n) => learnerDefinition(n).sampleWeights);
    throw new Invalid(`${def.name} does not take class weights (those that do: ${weighted.join(', ')})`);
  }
}

/**
 * How the training reads columns: the schema's ordinal columns with the order it inferred,
 * then what the request declares (columns that exist, not the target). Undefined when
 * there is nothing to say.
 */
export function columnKinds(
  req: TrainingJobRequest,
  dataset: string,
  columns: Map<string, { name: string; kind: string; order?: string[] }>,
): ColumnKinds | undefined {
  for (const name of Object.keys(req.kinds ?? {})) {
    if (!columns.has(name)) throw new Invalid(`kinds: dataset ${dataset} has no column "${name}"`);
    if (name === req.target) throw new Invalid(`kinds: "${name}" is the target; its kind is the task's`);
  }
  const inferred: Record<string, DeclaredKind> = {};
  for (const c of columns.values()) {
    if (c.kind === 'ordinal' && c.order && c.name !== req.target)
      inferred[c.name] = { kind: 'ordinal', order: c.order };
  }
  const kinds = { ...inferred, ...req.kinds };
  return Object.keys(kinds).length > 0 ? kinds : undefined;
}

/**
 * A recommendation request: a known recommender and params, interaction columns that
 * exist (user, item; the value numeric; defaults `user`, `item`, then `rating` or
 * `weight`, `timestamp` when present), and the split.
 */
export function checkRecommendation(
  req: TrainingJobRequest,
  dataset: string,
  columns: Map<string, { name: string; kind: string }>,
): TrainingSpec {
  const isAuto = req.algorithm === 'auto';
  if (req.classWeight !== undefined) throw new Invalid('classWeight applies to classification and sentiment');
  if (req.kinds !== undefined) throw new Invalid('kinds apply to tabular tasks; a recommendation names its columns');
  if (req.ensemble !== undefined) throw new Invalid('ensemble applies to auto for tabular tasks, not recommendation');
  let def: ReturnType<typeof recommenderDefinition> | undefined;
  if (isAuto) {
    if (req.params && Object.keys(req.params).length > 0)
      throw new Invalid('"auto" chooses the recommender and its params: give no params');
  } else {
    if (req.timeBudgetS !== undefined || req.metric !== undefined)
      throw new Invalid('timeBudgetS and metric go with algorithm "auto"');
    try {
      def = recommenderDefinition(req.algorithm);
      def.create(req.params ?? {});
    } catch (err) {
      throw new Invalid(`${err instanceof Error ? err.message : String(err)}, or "auto"`);
    }
  }
  const given = req.columns ?? {};
  const pick = (name: string | undefined, fallbacks: string[]) => name ?? fallbacks.find((f) => columns.has(f));
  const cols: InteractionColumns = {
    user: given.user ?? 'user',
    item: given.item ?? 'item',
    value: pick(given.value, req.target ? [req.target] : ['rating', 'weight']),
    timestamp: pick(given.timestamp, ['timestamp']),
  };
  if (given.context?.length) cols.context = given.context;
  for (const name of cols.context ?? []) {
    if (!columns.has(name)) throw new Invalid(`dataset ${dataset} has no context column "${name}" (columns.context)`);
  }
  for (const [role, name] of Object.entries(cols)) {
    if (name === undefined || role === 'context') continue;
    if (!name || !columns.has(name)) {
      throw new Invalid(
        `dataset ${dataset} has no ${role} column "${name}": name it in columns.${role} (columns: ${[...columns.keys()].join(', ')})`,
      );
    }
  }
  if (cols.value && columns.get(cols.value)?.kind !== 'numeric')
    throw new Invalid(`the value column "${cols.value}" must be numeric`);
  if (def?.feedback === 'explicit' && !cols.value)
    throw new Invalid(`${req.algorithm} learns ratings: the dataset needs a rating column (columns.value)`);
  let auto: AutoSpec | undefined;
  if (isAuto) {
    const timeBudgetS = req.timeBudgetS ?? 120;
    if (!(Number.isInteger(timeBudgetS) && timeBudgetS >= 1 && timeBudgetS <= 6 * 3600))
      throw new Invalid('timeBudgetS must be a whole number of seconds from 1 to 21600');
    if (req.metric !== undefined && !RECOMMENDER_AUTO_METRICS.includes(req.metric))
      throw new Invalid(`metric must be one of ${RECOMMENDER_AUTO_METRICS.join(', ')} for recommendation`);
    if ((req.metric === 'rmse' || req.metric === 'mae') && !cols.value)
      throw new Invalid(`${req.metric} needs ratings: name the rating column (columns.value)`);
    auto = { timeBudgetS, ...(req.metric && { metric: req.metric }), folds: 0 };
  }
  const testFraction = req.split?.testFraction ?? 0.2;
  const leaveLastN = req.split?.leaveLastN;
  if (leaveLastN !== undefined && !(Number.isInteger(leaveLastN) && leaveLastN >= 1))
    throw new Invalid('split.leaveLastN must be a positive integer');
  if (leaveLastN !== undefined && !cols.timestamp)
    throw new Invalid('split.leaveLastN needs a timestamp column (columns.timestamp)');
  if (!(testFraction >= 0.05 && testFraction <= 0.5))
    throw new Invalid('split.testFraction must be between 0.05 and 0.5');
  return {
    model: req.model,
    dataset,
    task: 'recommendation',
    algorithm: req.algorithm,
    target: cols.value ?? '',
    ...(req.params && { params: req.params }),
    seed: req.seed ?? 0,
    testFraction,
    kFolds: 0,
    columns: cols,
    ...(leaveLastN !== undefined && { leaveLastN }),
    ...(auto && { auto }),
  };
}

/** A search's space: known params, lists of candidates, a bounded number of trials. */
export function checkSearch(
  search: NonNullable<TrainingJobRequest['search']>,
  algorithm: string,
  task: string | undefined,
  fixed: Record<string, unknown> | undefined,
): SearchSpec {
  const names = Object.keys(search.space ?? {});
  if (names.length === 0) throw new Invalid('search.space needs at least one parameter with a list of values');
  let grid = 1;
  for (const n of names) {
    const values = search.space[n];
    if (!Array.isArray(values) || values.length === 0)
      throw new Invalid(`search.space.${n} must be a non-empty list of values`);
    grid *= values.length;
    for (const v of values) {
      try {
        createLearner(algorithm, { ...(task && { task }), ...fixed, [n]: v });
      } catch (err) {
        throw new Invalid(`search.space.${n}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
  const trials = search.strategy === 'grid' ? grid : (search.trials ?? 10);
  if (!(Number.isInteger(trials) && trials >= 1 && trials <= MAX_TRIALS)) {
    throw new Invalid(`a search may have 1 to ${MAX_TRIALS} trials; this one has ${trials}`);
  }
  const folds = search.folds ?? 3;
  if (!(Number.isInteger(folds) && folds >= 2 && folds <= 20))
    throw new Invalid('search.folds must be between 2 and 20');
  return { strategy: search.strategy, space: search.space, ...(search.strategy === 'random' && { trials }), folds };
}
