import fs from 'node:fs';
import type { BenchmarkTask } from '@marquee/client';
import { type Command, opt, UsageError } from '../command.js';
import { clientFrom, connectionOptions } from '../credentials.js';
import { printList, textTable } from '../text-table.js';

const json = opt('boolean', 'print JSON instead of a table');

export const benchmarksList: Command = {
  name: 'benchmarks list',
  summary: 'List the marketplace benchmarks (task, metric, training and hidden test rows).',
  usage: 'benchmarks list [--task classification|sentiment|regression] [--json]',
  options: { task: opt('string', 'only this task'), json, ...connectionOptions },
  async run({ values }) {
    const items = await clientFrom(values).listBenchmarks(values.task as BenchmarkTask | undefined);
    printList(Boolean(values.json), items, () =>
      textTable(
        ['NAME', 'TASK', 'METRIC', 'TARGET', 'TRAIN ROWS', 'TEST ROWS'],
        items.map((b) => [b.name, b.task, b.metric, b.target, b.trainRows, b.testRows]),
      ),
    );
    return 0;
  },
};

export const benchmarksCreate: Command = {
  name: 'benchmarks create',
  summary:
    'Register a benchmark (administrators): a private dataset version is split once into a public training part and a hidden test part.',
  usage:
    'benchmarks create NAME --task T --dataset O/N@V --target COLUMN --metric M [--test-fraction 0.2] [--seed 0] [--description TEXT]',
  options: {
    task: opt('string', 'classification, sentiment or regression'),
    dataset: opt('string', 'a private dataset version, owner/name@version'),
    target: opt('string', 'the column to predict'),
    metric: opt('string', 'accuracy or macroF1; rmse, mae or r2 (regression)'),
    'test-fraction': opt('string', 'share of rows in the hidden test part (default 0.2)'),
    seed: opt('string', 'the split seed (default 0)'),
    description: opt('string', 'what the benchmark measures'),
    json,
    ...connectionOptions,
  },
  async run({ values, positionals }) {
    const name = positionals[0];
    if (!name) throw new UsageError('give the benchmark a name');
    for (const k of ['task', 'dataset', 'target', 'metric'])
      if (values[k] === undefined) throw new UsageError(`give --${k}`);
    const b = await clientFrom(values).createBenchmark({
      name,
      task: values.task as BenchmarkTask,
      dataset: values.dataset as string,
      target: values.target as string,
      metric: values.metric as string,
      ...(values['test-fraction'] !== undefined && { testFraction: Number(values['test-fraction']) }),
      ...(values.seed !== undefined && { seed: Number(values.seed) }),
      ...(values.description !== undefined && { description: values.description as string }),
    });
    if (values.json) console.log(JSON.stringify(b, null, 2));
    else console.log(`benchmark ${b.name}: ${b.trainRows} training rows public, ${b.testRows} test rows hidden`);
    return 0;
  },
};

export const benchmarksTrain: Command = {
  name: 'benchmarks train-data',
  summary: "Download a benchmark's training part as CSV (its test part never leaves the server).",
  usage: 'benchmarks train-data NAME [--out FILE]',
  options: { out: opt('string', 'write to this file (default: standard output)', 'o'), ...connectionOptions },
  async run({ values, positionals }) {
    if (!positionals[0]) throw new UsageError('give the benchmark name');
    const csv = await clientFrom(values).benchmarkTrainingData(positionals[0]);
    if (values.out) {
      fs.writeFileSync(values.out as string, csv);
      console.error(`wrote ${csv.split('\n').length - 2} rows to ${values.out}`);
    } else process.stdout.write(csv);
    return 0;
  },
};

export const benchmarksSubmit: Command = {
  name: 'benchmarks submit',
  summary: "Evaluate a published version on a benchmark's hidden test part and print its score and rank.",
  usage: 'benchmarks submit NAME OWNER/MODEL --version N [--json]',
  options: { version: opt('string', 'a version that passed the quality gate'), json, ...connectionOptions },
  async run({ values, positionals }) {
    const [name, model] = positionals;
    if (!name || !model) throw new UsageError('give the benchmark and the model, owner/name');
    const version = Number(values.version);
    if (!Number.isInteger(version) || version < 1) throw new UsageError('give --version N');
    const client = clientFrom(values);
    const job = await client.followJob((await client.submitToBenchmark(name, model, version)).id);
    if (job.state !== 'succeeded') throw new Error(`the evaluation ${job.state}: ${job.error ?? ''}`);
    const r = job.result as { metric: string; score: number; rank: number };
    if (values.json) console.log(JSON.stringify(job.result, null, 2));
    else console.log(`${model} v${version} on ${name}: ${r.metric} ${Number(r.score.toFixed(4))}, rank ${r.rank}`);
    return 0;
  },
};

export const leaderboard: Command = {
  name: 'leaderboard',
  summary: "A task's leaderboards: platform-measured scores on hidden test parts, best first.",
  usage: 'leaderboard classification|sentiment|regression [--benchmark NAME] [--json]',
  options: { benchmark: opt('string', 'only this benchmark'), json, ...connectionOptions },
  async run({ values, positionals }) {
    if (!positionals[0]) throw new UsageError('give the task');
    const board = await clientFrom(values).leaderboard(
      positionals[0] as BenchmarkTask,
      values.benchmark as string | undefined,
    );
    printList(
      Boolean(values.json),
      board,
      () =>
        board.benchmarks
          .map(({ benchmark: b, entries }) =>
            [
              `${b.name} — ${b.metric} (${b.higherIsBetter ? 'higher' : 'lower'} is better), ${b.testRows} hidden test rows`,
              textTable(
                ['RANK', 'MODEL', 'VERSION', b.metric.toUpperCase(), 'EVALUATED', 'BY'],
                entries.map((e) => [
                  e.rank,
                  e.model,
                  e.version,
                  Number(e.score.toFixed(4)),
                  e.evaluatedAt.slice(0, 10),
                  e.submittedBy,
                ]),
              ),
            ].join('\n'),
          )
          .join('\n\n') || `no ${board.task} benchmarks yet`,
    );
    return 0;
  },
};
