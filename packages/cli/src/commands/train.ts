import type { JobProgress, TrainingJob, TrainingJobRequest } from '@marquee/client';
import { type Command, opt, UsageError } from '../command.js';
import { clientFrom, connectionOptions } from '../credentials.js';
import { ProgressBar } from '../progress-bar.js';

function parseJson(flag: string, text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    const v = JSON.parse(text) as unknown;
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object');
    return v as Record<string, unknown>;
  } catch (err) {
    throw new UsageError(`--${flag} must be a JSON object (${(err as Error).message})`);
  }
}

function classWeightOf(text: string | undefined): 'balanced' | Record<string, number> | undefined {
  if (text === undefined || text === 'balanced') return text;
  const v = parseJson('class-weight', text) as Record<string, unknown>;
  for (const [label, w] of Object.entries(v)) {
    if (typeof w !== 'number' || !(w > 0))
      throw new UsageError(`--class-weight: the weight of "${label}" must be a positive number`);
  }
  return v as Record<string, number>;
}

function describe(p: JobProgress): string {
  const metrics = Object.entries(p.metrics ?? {})
    .map(([k, v]) => `${k} ${Number.isInteger(v) ? v : v.toPrecision(4)}`)
    .join(', ');
  const eta = p.etaSeconds === null ? '' : ` ~${p.etaSeconds}s left`;
  return `${p.stage}${metrics ? ` (${metrics})` : ''}${eta}`;
}

export const train: Command = {
  name: 'train',
  summary:
    'Queue a training job: a learner on a dataset version, evaluated on a held-out split, registered as the next version of the model (created when missing). With --follow, show its progress until it ends and exit non-zero when it fails.',
  usage:
    'train --model OWNER/NAME --dataset OWNER/NAME[@V] --task classification|regression|sentiment|recommendation [--target COLUMN] --algorithm NAME [--params JSON] [--columns JSON] [--follow]',
  options: {
    model: opt('string', 'the model to add a version to, owner/name', 'm'),
    dataset: opt('string', 'the dataset version, owner/name@version (latest without @version)', 'd'),
    task: opt(
      'string',
      'classification, regression, sentiment (text; predictions name the n-grams behind them) or recommendation',
    ),
    target: opt('string', 'the column to predict (recommendation: the rating column, optional)'),
    columns: opt(
      'string',
      'recommendation: the interaction columns as JSON, e.g. {"user": "student", "item": "lecturer"}',
    ),
    'leave-last': opt(
      'string',
      "recommendation: hold out each user's latest N interactions (needs a timestamp column)",
    ),
    algorithm: opt(
      'string',
      'auto (try a portfolio within --time-budget, keep the best), logistic-regression, linear-regression, ridge, linear-svm, kernel-svm, decision-tree, random-forest, gradient-boosting, mlp, naive-bayes, nb-svm; recommendation: matrix-factorization, biases, als, item-knn, ease, popularity',
      'a',
    ),
    features: opt('string', 'comma-separated columns to learn from (default: all but the target)'),
    params: opt('string', 'learner parameters as JSON, e.g. {"nEstimators": 200}'),
    text: opt('string', 'text vectoriser parameters as JSON, e.g. {"ngramRange": [1, 2]}'),
    'test-fraction': opt('string', 'share of rows held out for the metrics (default 0.2)'),
    'k-folds': opt('string', 'also cross-validate with k folds (default: none)'),
    seed: opt('string', 'random seed (default 0)'),
    'time-limit': opt('string', 'seconds the job may run'),
    'time-budget': opt('string', '--algorithm auto: seconds to try candidates (default 120)'),
    metric: opt(
      'string',
      '--algorithm auto: what picks the winner: accuracy, balancedAccuracy, macroF1, rocAuc, logLoss, averagePrecision, hitsTop5, hitsTop10, liftTop5, liftTop10; rmse, mae, r2 (default accuracy or rmse)',
    ),
    kinds: opt(
      'string',
      'how to read columns, as JSON: numeric, categorical, text, ignore, or {"kind": "ordinal", "order": [lowest, …]}, e.g. {"id": "ignore"}',
    ),
    'no-ensemble': opt(
      'boolean',
      '--algorithm auto: always a single model (by default a weighted average of the candidates is kept when it scores better)',
    ),
    'class-weight': opt(
      'string',
      'classification: balanced (every class weighs the same in total), or a weight per label as JSON, e.g. {"churned": 5}',
    ),
    follow: opt('boolean', 'show progress until the job ends; exit 1 when it fails', 'f'),
    ...connectionOptions,
  },
  async run({ values }) {
    for (const flag of ['model', 'dataset', 'task', 'algorithm']) {
      if (!values[flag]) throw new UsageError(`give --${flag}`);
    }
    if (!values.target && values.task !== 'recommendation') throw new UsageError('give --target');
    const task = values.task as string;
    if (task !== 'classification' && task !== 'regression' && task !== 'sentiment' && task !== 'recommendation')
      throw new UsageError('--task is classification, regression, sentiment or recommendation');
    const num = (flag: string) => (values[flag] === undefined ? undefined : Number(values[flag]));
    const client = clientFrom(values);
    const job = await client.train({
      model: values.model as string,
      dataset: values.dataset as string,
      task,
      target: values.target as string | undefined,
      algorithm: values.algorithm as string,
      columns: parseJson('columns', values.columns as string | undefined),
      features: (values.features as string | undefined)?.split(',').map((f) => f.trim()),
      params: parseJson('params', values.params as string | undefined),
      text: parseJson('text', values.text as string | undefined),
      ...((values['test-fraction'] !== undefined ||
        values['k-folds'] !== undefined ||
        values['leave-last'] !== undefined) && {
        split: { testFraction: num('test-fraction'), kFolds: num('k-folds'), leaveLastN: num('leave-last') },
      }),
      seed: num('seed'),
      timeLimitS: num('time-limit'),
      timeBudgetS: num('time-budget'),
      metric: values.metric as string | undefined,
      ...(values['no-ensemble'] === true && { ensemble: false }),
      classWeight: classWeightOf(values['class-weight'] as string | undefined),
      kinds: parseJson('kinds', values.kinds as string | undefined) as TrainingJobRequest['kinds'],
    });
    console.error(`Job ${job.id} ${job.state}`);
    if (!values.follow) {
      console.log(JSON.stringify(job, null, 2));
      return 0;
    }
    const bar = new ProgressBar(`Training ${values.algorithm}`, 100);
    let lastLine = '';
    const ended: TrainingJob = await client.followJob(job.id, (e) => {
      if (e.type === 'progress') {
        bar.update(e.progress.percent, describe(e.progress));
        // Without a terminal, a line per stage (and per tenth of the way) instead of a bar.
        const line = `${e.progress.stage} ${Math.floor(e.progress.percent / 10) * 10}%`;
        if (!process.stderr.isTTY && line !== lastLine) {
          lastLine = line;
          console.error(`${e.progress.percent.toFixed(1).padStart(5)}% ${describe(e.progress)}`);
        }
      } else if (e.state !== 'queued' && e.state !== 'running') bar.done();
    });
    if (ended.state !== 'succeeded') {
      console.error(`Job ${ended.id} ${ended.state}${ended.error ? `: ${ended.error}` : ''}`);
      return 1;
    }
    const metrics = Object.entries(ended.result?.metrics ?? {})
      .map(([k, v]) => `${k} ${(v as number).toFixed(4)}`)
      .join(', ');
    console.error(
      `Job ${ended.id} succeeded: ${ended.result?.model} version ${ended.result?.version}; held out: ${metrics}`,
    );
    console.log(JSON.stringify(ended, null, 2));
    return 0;
  },
};
