import { type Command, opt, UsageError } from '../command.js';
import { clientFrom, connectionOptions } from '../credentials.js';
import { printList, textTable } from '../text-table.js';

const json = opt('boolean', 'print JSON instead of a table');

export const jobsList: Command = {
  name: 'jobs list',
  summary: 'List your jobs (training, search, batch predictions, publish), newest first.',
  usage: 'jobs list [--limit N] [--json]',
  options: { limit: opt('string', 'how many (default 50)'), json, ...connectionOptions },
  async run({ values }) {
    const jobs = await clientFrom(values).listJobs(values.limit ? Number(values.limit) : 50);
    printList(Boolean(values.json), jobs, () =>
      textTable(
        ['ID', 'KIND', 'STATE', 'PROGRESS', 'CREATED'],
        jobs.map((j) => [
          j.id,
          j.kind,
          j.state,
          j.progress ? `${j.progress.stage} ${j.progress.percent}%` : null,
          j.createdAt.slice(0, 19),
        ]),
      ),
    );
    return 0;
  },
};

export const jobsShow: Command = {
  name: 'jobs show',
  summary: 'Show a job: its spec, state, progress, result or error (JSON).',
  usage: 'jobs show ID',
  options: { ...connectionOptions },
  async run({ values, positionals }) {
    if (!positionals[0]) throw new UsageError('give the job id');
    console.log(JSON.stringify(await clientFrom(values).getJob(positionals[0]), null, 2));
    return 0;
  },
};

export const jobsCancel: Command = {
  name: 'jobs cancel',
  summary: 'Cancel a queued or running job.',
  usage: 'jobs cancel ID',
  options: { ...connectionOptions },
  async run({ values, positionals }) {
    if (!positionals[0]) throw new UsageError('give the job id');
    const job = await clientFrom(values).cancelJob(positionals[0]);
    console.log(`${job.id}: ${job.state}`);
    return 0;
  },
};
