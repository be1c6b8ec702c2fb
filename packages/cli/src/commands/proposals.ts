import type { Proposal, ProposalSource, ProposalState } from '@marquee/client';
import { type Command, opt, UsageError } from '../command.js';
import { clientFrom, connectionOptions } from '../credentials.js';
import { printList, textTable } from '../text-table.js';

const json = opt('boolean', 'print JSON instead of text');

function modelAndNumber(positionals: string[]): [string, number] {
  const [model, n] = positionals;
  const number = Number(n);
  if (!model || !Number.isInteger(number) || number < 1)
    throw new UsageError('give the model (owner/name) and the proposal number');
  return [model, number];
}

function sourceFrom(values: Record<string, unknown>): ProposalSource {
  if (values.version !== undefined) return { version: Number(values.version) };
  if (values.job !== undefined) return { job: String(values.job) };
  if (values.from !== undefined) {
    const m = /^([^@]+)@(\d+)$/.exec(String(values.from));
    if (!m) throw new UsageError('--from is owner/name@version (a fork of the model)');
    return { model: m[1] as string, version: Number(m[2]) };
  }
  throw new UsageError('give the candidate: --version N (of this model), --from OWNER/NAME@N (a fork) or --job ID');
}

const fmt = (v: number | null | undefined, digits = 4) => (v === null || v === undefined ? '–' : v.toFixed(digits));

/** The report as a reviewer reads it: metrics side by side, then the tests and the rule. */
export function describeProposal(p: Proposal): string {
  const lines = [
    `#${p.number} ${p.title} — ${p.state}`,
    `by ${p.author}; candidate ${p.candidate ? `${p.candidate.model} v${p.candidate.version}` : '(waiting for its training job)'} for "${p.alias}"`,
  ];
  if (p.merged) lines.push(`merged by ${p.merged.by} at ${p.merged.at}: "${p.alias}" → version ${p.merged.version}`);
  if (p.error) lines.push(`error: ${p.error}`);
  const r = p.report;
  if (!r) return lines.join('\n');
  lines.push(
    '',
    `evaluated on ${r.dataset} (${r.split === 'all' ? 'all rows' : `held-out ${r.split.testFraction} of it, seed ${r.split.seed}`}; ${r.comparison.rows} rows), target ${r.target}`,
    `current: ${r.baseline ? `${r.baseline.model} v${r.baseline.version}` : '(none)'}`,
    '',
    textTable(
      ['METRIC', 'CURRENT', 'CANDIDATE', 'DIFFERENCE', '95% INTERVAL'],
      Object.entries(r.comparison.metrics).map(([name, m]) => [
        name,
        fmt(m.baseline),
        fmt(m.candidate),
        m.difference === null ? '–' : `${m.difference >= 0 ? '+' : ''}${fmt(m.difference)}`,
        m.interval ? `[${fmt(m.interval.low)}, ${fmt(m.interval.high)}]` : '–',
      ]),
    ),
  );
  const mc = r.comparison.mcnemar;
  if (mc)
    lines.push(
      `McNemar: current alone right on ${mc.baselineOnlyRight} rows, candidate alone on ${mc.candidateOnlyRight}; p = ${mc.pValue.toPrecision(3)}`,
    );
  if (r.comparison.agreement !== null) lines.push(`agreement: ${(r.comparison.agreement * 100).toFixed(1)}% of rows`);
  const lat = r.latencyMs;
  lines.push(
    `latency p50/p99 (ms, batch 1): current ${lat.baseline ? `${lat.baseline.p50}/${lat.baseline.p99}` : '–'}, candidate ${lat.candidate.p50}/${lat.candidate.p99}`,
    `size: current ${r.baseline?.sizeBytes ?? '–'} B, candidate ${r.candidate.sizeBytes} B`,
  );
  if (r.rule) lines.push(`rule on "${r.rule.alias}": ${r.rule.passed ? 'passed' : 'NOT passed'} — ${r.rule.reason}`);
  return lines.join('\n');
}

export const proposalsOpen: Command = {
  name: 'proposals open',
  summary: 'Propose a candidate version for an alias; the platform evaluates it against the current one.',
  usage:
    'proposals open OWNER/NAME --title T (--version N | --from OWNER/FORK@N | --job ID) [--alias champion] [--wait]',
  options: {
    title: opt('string', 'what the change is'),
    description: opt('string', 'why (Markdown)'),
    version: opt('string', 'a version of this model'),
    from: opt('string', 'a version of a fork: owner/name@version'),
    job: opt('string', 'a training job (the proposal waits for it)'),
    alias: opt('string', 'the alias to move (default champion)'),
    wait: opt('boolean', 'wait for the evaluation and print the report'),
    json,
    ...connectionOptions,
  },
  async run({ values, positionals }) {
    const model = positionals[0];
    if (!model || !values.title) throw new UsageError('give the model and --title');
    const client = clientFrom(values);
    let p = await client.proposals.open(model, {
      title: String(values.title),
      source: sourceFrom(values),
      ...(values.description !== undefined && { description: String(values.description) }),
      ...(values.alias !== undefined && { alias: String(values.alias) }),
    });
    if (values.wait) p = await client.proposals.settled(model, p.number, 30 * 60_000);
    console.log(values.json ? JSON.stringify(p, null, 2) : describeProposal(p));
    return p.state === 'failed' ? 1 : 0;
  },
};

export const proposalsList: Command = {
  name: 'proposals list',
  summary: "A model's change proposals, newest first.",
  usage: 'proposals list OWNER/NAME [--state STATE] [--json]',
  options: {
    state: opt('string', 'waiting, evaluating, evaluated, failed, merged or closed'),
    json,
    ...connectionOptions,
  },
  async run({ values, positionals }) {
    const model = positionals[0];
    if (!model) throw new UsageError('give the model');
    const list = await clientFrom(values).proposals.list(model, values.state as ProposalState | undefined);
    printList(Boolean(values.json), list, () =>
      textTable(
        ['#', 'TITLE', 'STATE', 'AUTHOR', 'CANDIDATE', 'RULE'],
        list.map((p) => [
          p.number,
          p.title,
          p.state,
          p.author,
          p.candidate ? `${p.candidate.model}@${p.candidate.version}` : '–',
          p.report?.rule ? (p.report.rule.passed ? 'passed' : 'not passed') : '–',
        ]),
      ),
    );
    return 0;
  },
};

export const proposalsShow: Command = {
  name: 'proposals show',
  summary: 'A proposal with its side-by-side evaluation report.',
  usage: 'proposals show OWNER/NAME NUMBER [--json]',
  options: { json, ...connectionOptions },
  async run({ values, positionals }) {
    const [model, number] = modelAndNumber(positionals);
    const p = await clientFrom(values).proposals.get(model, number);
    console.log(values.json ? JSON.stringify(p, null, 2) : describeProposal(p));
    return 0;
  },
};

export const proposalsMerge: Command = {
  name: 'proposals merge',
  summary:
    'Merge an evaluated proposal: the alias moves to the candidate (writers; protected aliases need a passing rule).',
  usage: 'proposals merge OWNER/NAME NUMBER',
  options: { ...connectionOptions },
  async run({ values, positionals }) {
    const [model, number] = modelAndNumber(positionals);
    const p = await clientFrom(values).proposals.merge(model, number);
    console.log(`merged #${p.number}: "${p.alias}" of ${model} → version ${p.merged?.version}`);
    return 0;
  },
};

export const proposalsSettings: Command = {
  name: 'proposals settings',
  summary: "Set a model's evaluation data and protect an alias with a rule (its admins).",
  usage:
    'proposals settings OWNER/NAME [--dataset OWNER/NAME[@V] --target COL [--test-fraction 0.2 --seed 0 | --all-rows]] [--protect ALIAS --metric M --tolerance T]',
  options: {
    dataset: opt('string', 'the evaluation dataset (the latest version is pinned when none is named)'),
    target: opt('string', 'the column holding the truth'),
    'test-fraction': opt('string', 'evaluate on the held-out part of a training split (default 0.2)'),
    seed: opt('string', "the split's seed (default 0)"),
    'all-rows': opt('boolean', 'evaluate on every row'),
    protect: opt('string', 'an alias to protect'),
    metric: opt('string', 'accuracy or macroF1; rmse, mae or r2'),
    tolerance: opt('string', "how much worse than the current version's the candidate may be, in the metric's units"),
    ...connectionOptions,
  },
  async run({ values, positionals }) {
    const model = positionals[0];
    if (!model || (!values.dataset && !values.protect))
      throw new UsageError('give the model and --dataset or --protect');
    const client = clientFrom(values);
    if (values.dataset) {
      if (!values.target) throw new UsageError('give --target with --dataset');
      const m = await client.proposals.setEvaluation(model, {
        dataset: String(values.dataset),
        target: String(values.target),
        split: values['all-rows']
          ? 'all'
          : { testFraction: Number(values['test-fraction'] ?? 0.2), seed: Number(values.seed ?? 0) },
      });
      console.log(`${model} is evaluated on ${m.evaluation?.dataset} (target ${m.evaluation?.target})`);
    }
    if (values.protect) {
      if (!values.metric || values.tolerance === undefined)
        throw new UsageError('give --metric and --tolerance with --protect');
      await client.proposals.protect(model, String(values.protect), {
        metric: String(values.metric),
        tolerance: Number(values.tolerance),
      });
      console.log(
        `"${values.protect}" of ${model} moves only through proposals: ${values.metric} at most ${values.tolerance} worse`,
      );
    }
    return 0;
  },
};
