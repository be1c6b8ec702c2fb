import { MarqueeApiError } from '@marquee/client';
import { type Command, parseCommandArgs, UsageError } from './command.js';
import {
  benchmarksCreate,
  benchmarksList,
  benchmarksSubmit,
  benchmarksTrain,
  leaderboard,
} from './commands/benchmarks.js';
import { datasetsList } from './commands/datasets-list.js';
import { datasetsPush } from './commands/datasets-push.js';
import { datasetsShow } from './commands/datasets-show.js';
import { fork } from './commands/fork.js';
import { jobsCancel, jobsList, jobsShow } from './commands/jobs.js';
import { login } from './commands/login.js';
import { migrate } from './commands/migrate.js';
import { modelsList } from './commands/models-list.js';
import { modelsPush } from './commands/models-push.js';
import { modelsShow } from './commands/models-show.js';
import { collaborators, orgsCreate, orgsMember, orgsShow } from './commands/orgs.js';
import { predict } from './commands/predict.js';
import {
  proposalsList,
  proposalsMerge,
  proposalsOpen,
  proposalsSettings,
  proposalsShow,
} from './commands/proposals.js';
import { publish } from './commands/publish.js';
import { search } from './commands/search.js';
import { serve } from './commands/serve.js';
import { train } from './commands/train.js';
import { webhooksCreate, webhooksDelete, webhooksDeliveries, webhooksList } from './commands/webhooks.js';
import { worker } from './commands/worker.js';

const COMMANDS: Command[] = [
  serve,
  worker,
  migrate,
  login,
  datasetsPush,
  datasetsList,
  datasetsShow,
  modelsPush,
  modelsList,
  modelsShow,
  train,
  predict,
  jobsList,
  jobsShow,
  jobsCancel,
  search,
  publish,
  benchmarksList,
  benchmarksCreate,
  benchmarksTrain,
  benchmarksSubmit,
  leaderboard,
  orgsCreate,
  orgsShow,
  orgsMember,
  collaborators,
  fork,
  proposalsOpen,
  proposalsList,
  proposalsShow,
  proposalsMerge,
  proposalsSettings,
  webhooksCreate,
  webhooksList,
  webhooksDeliveries,
  webhooksDelete,
];

function overview(): string {
  const lines = ['Usage: marquee <command> [options]', '', 'Commands:'];
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  for (const c of COMMANDS) lines.push(`  ${c.name.padEnd(width)}${c.summary.split('. ')[0]}`);
  lines.push('', 'Run "marquee <command> --help" for a command\'s options.');
  return lines.join('\n');
}

/** Runs the CLI; returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    console.log(overview());
    return 0;
  }
  // Two-word verbs ("models push") first, then one-word ones.
  const two = `${argv[0]} ${argv[1] ?? ''}`;
  const cmd = COMMANDS.find((c) => c.name === two) ?? COMMANDS.find((c) => c.name === argv[0]);
  if (!cmd) {
    console.error(`marquee: unknown command "${argv[0]}"\n\n${overview()}`);
    return 2;
  }
  const rest = argv.slice(cmd.name.split(' ').length);
  try {
    const args = parseCommandArgs(cmd, rest);
    if (!args) return 0;
    return await cmd.run(args);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`marquee ${cmd.name}: ${err.message}`);
      return 2;
    }
    if (err instanceof MarqueeApiError) {
      console.error(`marquee ${cmd.name}: ${err.message}`);
      return 1;
    }
    console.error(`marquee ${cmd.name}: ${(err as Error).message ?? err}`);
    return 1;
  }
}
