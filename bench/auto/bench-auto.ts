/**
 * npm run bench:auto — `algorithm: "auto"` with a time budget (BENCH_BUDGET, 60 s) on every
 * shared tabular and text set, on the fixed splits bench:train uses, against the best
 * single learner with its defaults on the same split in the same run (the learners of
 * bench:train, through the same feature pipeline). Goal: never more than 0.5 point below
 * the best single learner, and above it on at least a third of the sets.
 *
 * Each set runs `auto` twice: with `ensemble: false` (always a single model), and as it
 * is by default, with its ensemble (a weighted average of the candidates, kept when its
 * out-of-fold score beats the best one alone).
 *
 * BENCH_ONLY / BENCH_SKIP: comma-separated set names (breast_cancer, digits, wine, iris,
 * spambase, letters, diabetes, amazon-fine-food). BENCH_ENSEMBLE=only: the default run alone.
 */
import os from 'node:os';
import { autoSelect, evaluate, Frame, ModelPipeline } from '@marquee/engine';
import { loadTabularSet } from '../../packages/engine/test-support/tabular-sets.ts';
import { loadAmazonFineFood } from '../../packages/engine/test-support/text-sets.ts';

const budget = Number(process.env.BENCH_BUDGET ?? 60);
const only = new Set((process.env.BENCH_ONLY ?? '').split(',').filter(Boolean));
const skip = new Set((process.env.BENCH_SKIP ?? '').split(',').filter(Boolean));
const wanted = (name: string) => (only.size === 0 || only.has(name)) && !skip.has(name);

const SINGLE_CLASSIFIERS: Array<[string, Record<string, unknown>]> = [
  ['logistic-regression', {}],
  ['linear-svm', {}],
  ['kernel-svm', {}],
  ['decision-tree', {}],
  ['random-forest', {}],
  ['gradient-boosting', {}],
  ['mlp', { hiddenLayers: [128, 64], maxIter: 50 }],
];
const SINGLE_REGRESSORS: Array<[string, Record<string, unknown>]> = [
  ['linear-regression', {}],
  ['ridge', {}],
  ['decision-tree', {}],
  ['random-forest', {}],
  ['gradient-boosting', {}],
  ['mlp', { hiddenLayers: [128, 64], maxIter: 200 }],
];
const SINGLE_TEXT: Array<[string, Record<string, unknown>, Record<string, unknown>]> = [
  ['logistic-regression', {}, { ngramRange: [1, 2], sublinearTf: true }],
  ['nb-svm', {}, { ngramRange: [1, 2] }],
  ['naive-bayes', {}, { ngramRange: [1, 2] }],
  ['linear-svm', {}, { ngramRange: [1, 2], sublinearTf: true }],
];

interface SetUnderTest {
  name: string;
  frame: Frame;
  target: string;
  task: 'classification' | 'regression';
  features?: string[];
  train: Int32Array;
  test: Int32Array;
  singles: Array<[string, Record<string, unknown>, Record<string, unknown>?]>;
}

/** A tabular split as one frame: the training rows, then the test rows. */
function tabular(name: string, task: 'classification' | 'regression'): SetUnderTest {
  const d = loadTabularSet(name, { classify: task === 'classification' });
  const records: Array<Record<string, unknown>> = [];
  const push = (x: typeof d.xTrain, y: Float64Array) => {
    for (let r = 0; r < x.rows; r++) {
      const rec: Record<string, unknown> = {};
      for (let c = 0; c < x.cols; c++) rec[`f${c}`] = x.data[r * x.cols + c];
      rec.target = task === 'classification' ? d.classes[y[r] as number] : y[r];
      records.push(rec);
    }
  };
  push(d.xTrain, d.yTrain);
  push(d.xTest, d.yTest);
  const nTrain = d.xTrain.rows;
  return {
    name,
    frame: Frame.fromRecords(records, task === 'classification' ? { target: 'categorical' } : {}),
    target: 'target',
    task,
    train: Int32Array.from({ length: nTrain }, (_, i) => i),
    test: Int32Array.from({ length: d.xTest.rows }, (_, i) => nTrain + i),
    singles: task === 'classification' ? SINGLE_CLASSIFIERS : SINGLE_REGRESSORS,
  };
}

function text(): SetUnderTest {
  const { train, test } = loadAmazonFineFood();
  const records: Array<Record<string, unknown>> = [];
  for (const f of [train, test]) {
    const review = f.column('review');
    const score = f.column('score');
    for (let r = 0; r < f.nRows; r++)
      records.push({
        review: review.kind === 'text' ? review.values[r] : '',
        score: score.kind === 'categorical' ? score.dictionary[score.codes[r] as number] : '',
      });
  }
  return {
    name: 'amazon-fine-food',
    frame: Frame.fromRecords(records, { review: 'text', score: 'categorical' }),
    target: 'score',
    task: 'classification',
    features: ['review'],
    train: Int32Array.from({ length: train.nRows }, (_, i) => i),
    test: Int32Array.from({ length: test.nRows }, (_, i) => train.nRows + i),
    singles: SINGLE_TEXT,
  };
}

const sets: Array<() => SetUnderTest> = [
  ...['breast_cancer', 'digits', 'wine', 'iris', 'spambase', 'letters']
    .filter(wanted)
    .map((n) => () => tabular(n, 'classification')),
  ...(wanted('diabetes') ? [() => tabular('diabetes', 'regression')] : []),
  ...(wanted('amazon-fine-food') ? [text] : []),
];

const variants = process.env.BENCH_ENSEMBLE === 'only' ? [true] : [false, true];

const rows: Array<{
  set: string;
  variant: string;
  metric: string;
  auto: number;
  best: number;
  bestName: string;
  diff: number;
  seconds: number;
  chosen: string;
}> = [];
for (const load of sets) {
  const s = load();
  const metric = s.task === 'regression' ? 'rmse' : 'accuracy';
  const trainFrame = s.frame.take(s.train);
  const testFrame = s.frame.take(s.test);
  let best = { name: '', value: s.task === 'regression' ? Number.POSITIVE_INFINITY : -1 };
  for (const [algorithm, params, textParams] of s.singles) {
    const model = ModelPipeline.fit(trainFrame, s.target, algorithm, params, {
      task: s.task,
      features: s.features,
      text: textParams,
      seed: 0,
    });
    const value = evaluate(model, testFrame)[metric] as number;
    const better = s.task === 'regression' ? value < best.value : value > best.value;
    if (better) best = { name: algorithm, value };
    console.log(JSON.stringify({ set: s.name, single: algorithm, [metric]: value }));
  }
  for (const ensemble of variants) {
    const started = performance.now();
    const out = autoSelect(
      s.frame,
      { target: s.target, task: s.task, features: s.features, seed: 0 },
      { timeBudgetS: budget, ensemble },
      { split: { train: s.train, test: s.test } },
    );
    const seconds = (performance.now() - started) / 1000;
    const value = out.metrics[metric] as number;
    // Points: accuracy in percentage points; RMSE in percent of the best single one.
    const diff = s.task === 'regression' ? (100 * (best.value - value)) / best.value : 100 * (value - best.value);
    const chosen =
      out.algorithm === 'ensemble'
        ? `ensemble of ${(out.params.members as Array<{ algorithm: string }>).map((m) => m.algorithm).join(' + ')}`
        : `${out.algorithm} ${JSON.stringify(out.params)}${out.text ? ` ${JSON.stringify(out.text)}` : ''}`;
    const variant = ensemble ? 'auto (ensemble, default)' : 'ensemble off';
    rows.push({
      set: s.name,
      variant,
      metric,
      auto: value,
      best: best.value,
      bestName: best.name,
      diff,
      seconds,
      chosen,
    });
    console.log(
      JSON.stringify({
        set: s.name,
        variant,
        auto: value,
        chosen,
        seconds,
        leaderboard: out.leaderboard.map((e) => [e.algorithm, e.status, e.cvMean]),
      }),
    );
  }
}

console.log(
  `\n${new Date().toISOString()}  ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, node ${process.version}, budget ${budget} s, load average ${os.loadavg()[0]?.toFixed(2)}\n`,
);
console.log('| set | run | metric | auto | best single (its defaults) | auto − best | auto seconds | chosen |');
console.log('|---|---|---|---|---|---|---|---|');
for (const r of rows)
  console.log(
    `| ${r.set} | ${r.variant} | ${r.metric} | ${r.auto.toFixed(4)} | ${r.best.toFixed(4)} (${r.bestName}) | ${r.diff >= 0 ? '+' : ''}${r.diff.toFixed(2)} ${r.metric === 'rmse' ? '%' : 'points'} | ${r.seconds.toFixed(1)} | ${r.chosen} |`,
  );
for (const variant of new Set(rows.map((r) => r.variant))) {
  const of = rows.filter((r) => r.variant === variant);
  const above = of.filter((r) => r.diff > 0).length;
  const below = of.filter((r) => r.diff < -0.5).length;
  console.log(
    `${variant}: above the best single learner on ${above} of ${of.length} sets (goal: at least a third); more than 0.5 below on ${below} (goal: none)`,
  );
}
