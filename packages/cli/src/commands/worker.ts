import { type ConfigOverrides, DEFAULTS, loadConfig } from '@marquee/server/config';
import { type Command, opt } from '../command.js';
import { untilSignalled } from '../until-signalled.js';
import { CLUSTER_OPTIONS, clusterFlags } from './cluster-options.js';

export const worker: Command = {
  name: 'worker',
  summary:
    'Run jobs for a cluster: take queued training, search, batch-prediction, publish and evaluation jobs from the PostgreSQL database the API nodes share, and register what they make. Any number of workers on any host; a worker that dies loses its lease and another finishes its job. Answers only /healthz and /readyz on --port.',
  usage: 'worker --database-url postgres://… [options]',
  options: {
    ...CLUSTER_OPTIONS,
    data: opt(
      'string',
      `data folder: the blobs, unless --blob-url (a volume the API nodes share), and scratch space (default ${DEFAULTS.dataDir})`,
    ),
    port: opt('string', 'port of the health probes (default 8080)'),
    host: opt('string', `address to listen on (default ${DEFAULTS.host})`),
    'job-concurrency': opt('string', 'jobs run at once, each on a worker thread (default: cores − 1, at least 1)'),
    'job-time-limit': opt('string', `seconds a job may run before it fails (default ${DEFAULTS.jobTimeLimitS})`),
    'job-max-attempts': opt(
      'string',
      `a job interrupted this many times fails instead of running again (default ${DEFAULTS.jobMaxAttempts})`,
    ),
    'model-memory': opt('string', 'memory budget for models loaded by evaluation jobs, e.g. 2GiB (default 2GiB)'),
    'webhooks-allow-private': opt(
      'boolean',
      'accept webhook URLs on loopback and private networks (closed networks, tests)',
    ),
    'log-level': opt('string', `trace, debug, info, warn, error (default ${DEFAULTS.logLevel})`),
  },
  async run({ values }) {
    const flags: ConfigOverrides = {
      ...clusterFlags(values),
      dataDir: values.data as string | undefined,
      port: values.port as string | undefined,
      host: values.host as string | undefined,
      jobConcurrency: values['job-concurrency'] as string | undefined,
      jobTimeLimitS: values['job-time-limit'] as string | undefined,
      jobMaxAttempts: values['job-max-attempts'] as string | undefined,
      modelMemoryBytes: values['model-memory'] as string | undefined,
      webhooksAllowPrivate: values['webhooks-allow-private'] ? 'true' : undefined,
      logLevel: values['log-level'] as string | undefined,
      runJobs: 'true',
    };
    const config = loadConfig(flags);
    const { startServer } = await import('@marquee/server');
    const server = await startServer(config, 'worker');
    console.log(
      `Marquee worker: ${config.jobConcurrency} job(s) at once, probes on ${server.httpUrl}/healthz, lease ${config.jobLeaseS} s`,
    );
    await untilSignalled(server, 'stopping; running jobs go back to the queue for another worker');
    return 0;
  },
};
