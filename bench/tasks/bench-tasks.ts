/**
 * npm run bench:tasks — the entertainment tasks on the shared data, against the
 * baselines of shared/peers (scikit-learn's recorded figures). Sentiment so far: the UCI
 * sentence sets with their fixed 10 folds, and Amazon fine food on its given split.
 * One JSON line per (task, dataset, model), then a table.
 *
 * BENCH_ONLY / BENCH_SKIP: comma-separated names (uci-amazon, uci-imdb, uci-yelp, amazon-fine-food).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Frame, ModelPipeline, type TextVectorizerParams } from '@marquee/engine';
import { SHARED } from '../../packages/engine/test-support/shared-tabular.ts';
import { loadAmazonFineFood, loadUciSentences } from '../../packages/engine/test-support/shared-text.ts';

interface Row {
  task: string;
  dataset: string;
  model: string;
  metric: string;
  value: number;
  target: number;
  note: string;
  seconds: number;
}

const only = new Set((process.env.BENCH_ONLY ?? '').split(',').filter(Boolean));
const skip = new Set((process.env.BENCH_SKIP ?? '').split(',').filter(Boolean));
const wanted = (name: string) => (only.size === 0 || only.has(name)) && !skip.has(name);

/** The sentiment pipelines: character n-grams for short sentences, words for longer reviews. */
const SHORT_TEXT: { algorithm: string; text: Partial<TextVectorizerParams> } = {
  algorithm: 'nb-svm',
  text: { analyzer: 'char_wb', ngramRange: [2, 5] },
};
const LONG_TEXT: { algorithm: string; text: Partial<TextVectorizerParams> } = {
  algorithm: 'nb-svm',
  text: { ngramRange: [1, 2] },
};

function reference(): Array<{ dataset: string; learner: string; value: number }> {
  return fs
    .readFileSync(path.join(SHARED, 'peers', 'sklearn-reference.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

function accuracyOn(model: ModelPipeline, frame: Frame, target: string): number {
  const truth = frame.column(target);
  if (truth.kind !== 'categorical') throw new Error('a categorical target');
  const predicted = model.predict(frame) as string[];
  return predicted.filter((p, i) => p === truth.dictionary[truth.codes[i] as number]).length / predicted.length;
}

const rows: Row[] = [];
const emit = (r: Row) => {
  rows.push(r);
  console.log(JSON.stringify(r));
};
const refs = reference();
const best = (dataset: string) => Math.max(...refs.filter((r) => r.dataset === dataset).map((r) => r.value));

for (const name of ['amazon', 'imdb', 'yelp'] as const) {
  const dataset = `uci-${name}`;
  if (!wanted(dataset)) continue;
  const { frame, folds } = loadUciSentences(name);
  const started = performance.now();
  let sum = 0;
  for (let k = 0; k < 10; k++) {
    const test = Int32Array.from(folds.flatMap((f, i) => (f === k ? [i] : [])));
    const train = Int32Array.from(folds.flatMap((f, i) => (f !== k ? [i] : [])));
    const m = ModelPipeline.fit(frame.take(train), 'label', SHORT_TEXT.algorithm, {}, { text: SHORT_TEXT.text });
    sum += accuracyOn(m, frame.take(test), 'label');
  }
  emit({
    task: 'sentiment',
    dataset,
    model: 'nb-svm, char_wb 2–5-grams',
    metric: 'mean accuracy, 10 folds',
    value: sum / 10,
    target: best(dataset),
    note: "scikit-learn's best reference",
    seconds: (performance.now() - started) / 1000,
  });
}

if (wanted('amazon-fine-food')) {
  const { train, test } = loadAmazonFineFood();
  const started = performance.now();
  const m = ModelPipeline.fit(train, 'score', LONG_TEXT.algorithm, {}, { features: ['review'], text: LONG_TEXT.text });
  emit({
    task: 'sentiment',
    dataset: 'amazon-fine-food',
    model: 'nb-svm, word 1–2-grams',
    metric: 'accuracy, given split',
    value: accuracyOn(m, test, 'score'),
    target: 0.8,
    note: 'the goal (scikit-learn: 0.800 counts + naive Bayes)',
    seconds: (performance.now() - started) / 1000,
  });
}

console.log(`\n${new Date().toISOString()}, ${os.cpus().length} × ${os.cpus()[0]?.model}, node ${process.version}\n`);
console.log('| task | dataset | model | metric | value | target | | seconds |');
console.log('|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  const ok = r.value >= r.target ? 'met' : 'NOT met';
  console.log(
    `| ${r.task} | ${r.dataset} | ${r.model} | ${r.metric} | ${r.value.toFixed(4)} | ${r.target.toFixed(3)} (${r.note}) | ${ok} | ${r.seconds.toFixed(1)} |`,
  );
}
