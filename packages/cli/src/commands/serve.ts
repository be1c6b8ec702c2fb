// Only the light config module up front: client verbs should not pay for loading the server.
import type { RunningServer } from '@marquee/server';
import { type ConfigOverrides, DEFAULTS, loadConfig, type ServerConfig } from '@marquee/server/config';
import { type Command, opt } from '../command.js';
import { untilSignalled } from '../until-signalled.js';
import { CLUSTER_OPTIONS, clusterFlags } from './cluster-options.js';

export const serve: Command = {
  name: 'serve',
  summary:
    'Start the Marquee server: REST API and OIP v2 REST on --port, OIP v2 gRPC on --grpc-port, metadata in SQLite and blobs under --data. Every flag also reads a MARQUEE_* variable (MARQUEE_PORT, MARQUEE_DATA_DIR, MARQUEE_ADMIN_TOKEN, ...).',
  usage: 'serve [options]',
  options: {
    port: opt('string', `HTTP(S) port (default ${DEFAULTS.port})`),
    'grpc-port': opt('string', `gRPC port (default ${DEFAULTS.grpcPort})`),
    host: opt('string', `address to listen on (default ${DEFAULTS.host})`),
    data: opt('string', `data folder (default ${DEFAULTS.dataDir})`),
    'tls-cert': opt('string', 'PEM certificate: serve HTTPS and gRPC over TLS'),
    'tls-key': opt('string', 'PEM private key for --tls-cert'),
    'model-memory': opt('string', 'memory budget for loaded models, e.g. 2GiB (default 2GiB)'),
    'max-model-size': opt('string', 'largest model upload, e.g. 512MB (default 512MiB)'),
    'max-batch-size': opt(
      'string',
      `rows per batched model run; 1 turns batching off (default ${DEFAULTS.maxBatchSize})`,
    ),
    'max-batch-delay-ms': opt(
      'string',
      `how long a request may wait for others to batch with (default ${DEFAULTS.maxBatchDelayMs})`,
    ),
    'max-dataset-size': opt('string', 'largest dataset upload, e.g. 2GiB (default 2GiB)'),
    'max-dataset-columns': opt('string', `most columns in a dataset (default ${DEFAULTS.maxDatasetColumns})`),
    'job-concurrency': opt(
      'string',
      'training jobs run at once, each on a worker thread (default: cores − 1, at least 1)',
    ),
    'job-time-limit': opt('string', `seconds a job may run before it fails (default ${DEFAULTS.jobTimeLimitS})`),
    'job-max-attempts': opt(
      'string',
      `a job the server was stopped in this many times fails instead of running again (default ${DEFAULTS.jobMaxAttempts})`,
    ),
    'log-level': opt('string', `trace, debug, info, warn, error (default ${DEFAULTS.logLevel})`),
    'rate-limit-api': opt(
      'string',
      `API calls a minute per token (per address when anonymous); 0: none (default ${DEFAULTS.rateLimitApi})`,
    ),
    'rate-limit-predict': opt('string', 'predictions a minute per token over REST and gRPC; 0: none (default 0)'),
    'quota-storage': opt('string', 'bytes of versions an owner may hold, e.g. 50GiB; 0: none (default 0)'),
    'quota-jobs': opt(
      'string',
      `jobs an owner may have queued or running; 0: none (default ${DEFAULTS.quotaConcurrentJobs})`,
    ),
    'webhooks-allow-private': opt(
      'boolean',
      'accept webhook URLs on loopback and private networks (closed networks, tests)',
    ),
    ...CLUSTER_OPTIONS,
    workers: opt(
      'string',
      'processes serving HTTP and gRPC on the same ports and data folder; the first runs the jobs (default: one per core)',
    ),
    'no-jobs': opt(
      'boolean',
      'queue jobs but do not run them here: an API node of a cluster whose `marquee worker` processes train (MARQUEE_RUN_JOBS=0)',
    ),
    'allow-signup': opt('boolean', 'anyone may make an account (MARQUEE_ALLOW_SIGNUP=1); else the admin makes users'),
    'web-dir': opt('string', 'serve another build of the web app (default packages/web/dist)'),
    demo: opt(
      'boolean',
      'on an empty data folder: public datasets, four published models and two benchmarks to try (MARQUEE_DEMO=1)',
    ),
  },
  async run({ values }) {
    const flags: ConfigOverrides = {
      port: values.port as string | undefined,
      grpcPort: values['grpc-port'] as string | undefined,
      host: values.host as string | undefined,
      dataDir: values.data as string | undefined,
      tlsCert: values['tls-cert'] as string | undefined,
      tlsKey: values['tls-key'] as string | undefined,
      modelMemoryBytes: values['model-memory'] as string | undefined,
      maxModelBytes: values['max-model-size'] as string | undefined,
      maxBatchSize: values['max-batch-size'] as string | undefined,
      maxBatchDelayMs: values['max-batch-delay-ms'] as string | undefined,
      maxDatasetBytes: values['max-dataset-size'] as string | undefined,
      maxDatasetColumns: values['max-dataset-columns'] as string | undefined,
      jobConcurrency: values['job-concurrency'] as string | undefined,
      jobTimeLimitS: values['job-time-limit'] as string | undefined,
      jobMaxAttempts: values['job-max-attempts'] as string | undefined,
      logLevel: values['log-level'] as string | undefined,
      demo: values.demo ? 'true' : undefined,
      rateLimitApi: values['rate-limit-api'] as string | undefined,
      webhooksAllowPrivate: values['webhooks-allow-private'] ? 'true' : undefined,
      quotaStorageBytes: values['quota-storage'] as string | undefined,
      quotaConcurrentJobs: values['quota-jobs'] as string | undefined,
      rateLimitPredict: values['rate-limit-predict'] as string | undefined,
      allowSignup: values['allow-signup'] ? 'true' : undefined,
      ...clusterFlags(values),
      runJobs: values['no-jobs'] ? 'false' : undefined,
      webDir: values['web-dir'] as string | undefined,
      workers: values.workers as string | undefined,
    };
    const config = loadConfig(flags);
    const server = await import('@marquee/server');
    const processes = server.serveProcessFromEnv();
    if (processes) {
      await server.runServeWorker(config, processes, announceDemo);
      return 0;
    }
    if (config.workers > 1) return serveFromProcesses(config);
    const running = await server.startServer(config);
    announce(running, config.dataDir);
    announceDemo(running);
    await untilSignalled(running, 'draining in-flight requests, then stopping');
    return 0;
  },
};

function announce(
  running: { httpUrl: string; grpcPort: number; generatedAdminToken?: string },
  dataDir: string,
  processes = '',
): void {
  console.log(`Marquee ${running.httpUrl} (gRPC on port ${running.grpcPort}), data in ${dataDir}${processes}`);
  if (running.generatedAdminToken) {
    console.log(`Created user "admin". Its token, shown once, is also in ${dataDir}/admin-token:`);
    console.log(`  ${running.generatedAdminToken}`);
  }
}

/** `--workers N`: this process supervises N serving processes and serves nothing itself. */
async function serveFromProcesses(config: ServerConfig): Promise<number> {
  const server = await import('@marquee/server');
  const { generatedAdminToken } = await server.prepareStore(config);
  const processes = await server.startServeProcesses(config, (msg) => console.error(msg));
  announce({ ...processes, generatedAdminToken }, config.dataDir, `, ${config.workers} processes`);
  const stopped = untilSignalled(processes, 'draining in-flight requests in every process, then stopping');
  const failed = await Promise.race([stopped.then(() => undefined), processes.failed]);
  if (failed === undefined) return 0;
  await processes.close();
  return failed;
}

function announceDemo(server: RunningServer): void {
  if (server.demo) {
    console.log('Loading the demo content (datasets, models, benchmarks) in the background…');
    void server.demo.then((d) =>
      console.log(
        d.loaded
          ? `Demo ready in ${d.seconds} s: ${d.published.join(', ')} published; benchmarks ${d.benchmarks.join(', ')}. Try ${server.httpUrl}/api/v1/market/search`
          : `Demo not loaded: ${d.reason}`,
      ),
    );
  }
}
