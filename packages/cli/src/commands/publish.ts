import type { VerificationReport } from '@marquee/client';
import { type Command, opt, UsageError } from '../command.js';
import { clientFrom, connectionOptions } from '../credentials.js';

export const publish: Command = {
  name: 'publish',
  summary:
    'Publish a version in the marketplace: runs the quality gate (card, measured metrics against claims, smoke test) and prints its report. Exit 1 when a check fails.',
  usage: 'publish OWNER/NAME --version N [--dataset O/N@V --target COLUMN] [--json]',
  options: {
    version: opt('string', 'the version to publish'),
    dataset: opt('string', 'uploaded ONNX: the dataset version to evaluate it on'),
    target: opt('string', 'uploaded ONNX: the column it predicts'),
    json: opt('boolean', 'print the report as JSON'),
    ...connectionOptions,
  },
  async run({ values, positionals }) {
    const name = positionals[0];
    if (!name) throw new UsageError('give the model, owner/name');
    const version = Number(values.version);
    if (!Number.isInteger(version) || version < 1) throw new UsageError('give --version N');
    if ((values.dataset === undefined) !== (values.target === undefined))
      throw new UsageError('--dataset and --target go together');
    const client = clientFrom(values);
    const evaluation = values.dataset
      ? { dataset: values.dataset as string, target: values.target as string }
      : undefined;
    const job = await client.followJob((await client.publish(name, version, evaluation)).id);
    if (job.state !== 'succeeded') throw new Error(`the publish job ${job.state}: ${job.error ?? ''}`);
    const report = (job.result as { report: VerificationReport }).report;
    if (values.json) console.log(JSON.stringify(report, null, 2));
    else {
      for (const c of report.checks) console.log(`${c.passed ? 'pass' : 'FAIL'}  ${c.name.padEnd(20)} ${c.detail}`);
      console.log(
        report.passed
          ? `\n${name} version ${version} is published (verified).`
          : `\nnot published: ${report.checks.filter((c) => !c.passed).length} check(s) failed.`,
      );
    }
    return report.passed ? 0 : 1;
  },
};
