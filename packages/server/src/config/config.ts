import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Everything the server needs to start; built from flags, then MARQUEE_* variables, then defaults. */
export interface ServerConfig {
  host: string;
  port: number;
  grpcPort: number;
  dataDir: string;
  adminToken?: string;
  tlsCert?: string;
  tlsKey?: string;
  /** Upper bound for one uploaded model artifact, bytes. */
  maxModelBytes: number;
  /** Upper bound for one JSON/binary inference request body, bytes. */
  maxInferBytes: number;
  /** Memory budget for loaded model sessions, bytes (estimated from artifact sizes). */
  modelMemoryBytes: number;
  maxBatchSize: number;
  maxBatchDelayMs: number;
  logLevel: string;
  /** Grace period for in-flight requests on SIGTERM, ms. */
  drainTimeoutMs: number;
  /** Upper bound for one uploaded dataset version, bytes. */
  maxDatasetBytes: number;
  /** Most columns a dataset version may have. */
  maxDatasetColumns: number;
  /** Jobs run at once (worker threads); default: cores − 1, at least 1. */
  jobConcurrency: number;
  /** A job still running after this many seconds fails (a job may ask for less). */
  jobTimeLimitS: number;
  /** A job interrupted this many times (server stopped while it ran) fails instead of running again. */
  jobMaxAttempts: number;
  /** On an empty data folder, create public datasets, published models and benchmarks to try. */
  demo: boolean;
  /** Count predictions per model and day for the marketplace's usage figures (on unless turned off). */
  usageCounting: boolean;
  /** API calls a minute per token (per address when anonymous); 0: no limit. */
  rateLimitApi: number;
  /** Predictions a minute per token over REST and gRPC; 0: no limit. */
  rateLimitPredict: number;
  /** Accept webhook targets on loopback and private networks (tests, closed networks). */
  webhooksAllowPrivate: boolean;
  /** The first webhook retry waits this long, each next one twice as long. */
  webhookRetryBaseMs: number;
  /** Bytes of model and dataset versions an owner may hold, unless set for it; 0: no limit. */
  quotaStorageBytes: number;
  /** Jobs an owner may have queued or running at once, unless set for it; 0: no limit. */
  quotaConcurrentJobs: number;
  /** The built web app (index.html and assets/); served at `/`. */
  webDir: string;
  /** Anyone may make an account (POST /api/v1/auth/signup); off by default: the admin makes users. */
  allowSignup: boolean;
  /** `postgres://…`: metadata in PostgreSQL (the cluster mode); unset: SQLite in the data folder. */
  databaseUrl?: string;
  /** Run queued jobs in this process (off: `serve --no-jobs`, an API node that only queues). */
  runJobs: boolean;
  /** A running job's lease, seconds: a runner silent this long is taken to be gone and its job requeued. */
  jobLeaseS: number;
  /** `s3://bucket/prefix`: blobs in an S3-compatible store; unset: a folder in the data folder. */
  blobUrl?: string;
  /**
   * Processes that serve HTTP and gRPC on the same ports and data (`serve --workers`):
   * default, one per core. The first runs the jobs.
   */
  workers: number;
  /** In a cluster, batch predictions over more rows than twice this are split into sub-jobs of this many rows. */
  batchRangeRows: number;
}

/** Where `npm ci` builds packages/web (its prepare step), beside this package. */
const BUILT_WEB_APP = fileURLToPath(new URL('../../../web/dist', import.meta.url));

export const DEFAULTS = {
  host: '0.0.0.0',
  port: 8080,
  grpcPort: 8081,
  dataDir: './marquee-data',
  maxModelBytes: 512 * 1024 * 1024,
  maxInferBytes: 64 * 1024 * 1024,
  modelMemoryBytes: 2 * 1024 * 1024 * 1024,
  maxBatchSize: 64,
  maxBatchDelayMs: 0,
  logLevel: 'info',
  drainTimeoutMs: 10_000,
  maxDatasetBytes: 2 * 1024 * 1024 * 1024,
  maxDatasetColumns: 2_000,
  jobTimeLimitS: 6 * 3600,
  jobMaxAttempts: 3,
  rateLimitApi: 1_200,
  rateLimitPredict: 0,
  webhookRetryBaseMs: 5_000,
  quotaStorageBytes: 0,
  quotaConcurrentJobs: 20,
  jobLeaseS: 30,
  batchRangeRows: 100_000,
} as const;

/** Parses "512MB", "2GiB", "1048576" into bytes. */
export function parseBytes(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?i?b?)?\s*$/i.exec(text);
  if (!m) throw new Error(`not a size: "${text}" (try 512MB or 2GiB)`);
  const unit = (m[2] ?? '').toLowerCase().replace(/i?b$/, '');
  const pow = { '': 0, k: 1, m: 2, g: 3, t: 4 }[unit];
  if (pow === undefined) throw new Error(`unknown size unit in "${text}"`);
  return Math.round(Number(m[1]) * 1024 ** pow);
}

function int(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${text}"`);
  return n;
}

function flag(name: string, text: string | undefined): boolean {
  if (text === undefined || text === '' || text === 'false' || text === '0') return false;
  if (text === 'true' || text === '1') return true;
  throw new Error(`${name} is true or false, got "${text}"`);
}

/** Flag values as strings, keyed by the config field they set. */
export type ConfigOverrides = Partial<Record<keyof ServerConfig, string | undefined>>;

export function loadConfig(flags: ConfigOverrides = {}, env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const pick = (key: keyof ServerConfig, envName: string) => flags[key] ?? env[envName];
  const bytes = (key: keyof ServerConfig, envName: string, fallback: number) => {
    const v = pick(key, envName);
    return v === undefined || v === '' ? fallback : parseBytes(v);
  };
  const tlsCert = pick('tlsCert', 'MARQUEE_TLS_CERT');
  const tlsKey = pick('tlsKey', 'MARQUEE_TLS_KEY');
  if (Boolean(tlsCert) !== Boolean(tlsKey)) throw new Error('--tls-cert and --tls-key go together');
  return {
    host: pick('host', 'MARQUEE_HOST') ?? DEFAULTS.host,
    port: int('--port', pick('port', 'MARQUEE_PORT'), DEFAULTS.port),
    grpcPort: int('--grpc-port', pick('grpcPort', 'MARQUEE_GRPC_PORT'), DEFAULTS.grpcPort),
    dataDir: path.resolve(pick('dataDir', 'MARQUEE_DATA_DIR') ?? DEFAULTS.dataDir),
    adminToken: pick('adminToken', 'MARQUEE_ADMIN_TOKEN') || undefined,
    tlsCert: tlsCert || undefined,
    tlsKey: tlsKey || undefined,
    maxModelBytes: bytes('maxModelBytes', 'MARQUEE_MAX_MODEL_BYTES', DEFAULTS.maxModelBytes),
    maxInferBytes: bytes('maxInferBytes', 'MARQUEE_MAX_INFER_BYTES', DEFAULTS.maxInferBytes),
    modelMemoryBytes: bytes('modelMemoryBytes', 'MARQUEE_MODEL_MEMORY', DEFAULTS.modelMemoryBytes),
    maxBatchSize: Math.max(
      1,
      int('--max-batch-size', pick('maxBatchSize', 'MARQUEE_MAX_BATCH_SIZE'), DEFAULTS.maxBatchSize),
    ),
    maxBatchDelayMs: int(
      '--max-batch-delay-ms',
      pick('maxBatchDelayMs', 'MARQUEE_MAX_BATCH_DELAY_MS'),
      DEFAULTS.maxBatchDelayMs,
    ),
    logLevel: pick('logLevel', 'MARQUEE_LOG_LEVEL') ?? DEFAULTS.logLevel,
    drainTimeoutMs: int(
      '--drain-timeout-ms',
      pick('drainTimeoutMs', 'MARQUEE_DRAIN_TIMEOUT_MS'),
      DEFAULTS.drainTimeoutMs,
    ),
    maxDatasetBytes: bytes('maxDatasetBytes', 'MARQUEE_MAX_DATASET_BYTES', DEFAULTS.maxDatasetBytes),
    maxDatasetColumns: Math.max(
      1,
      int(
        '--max-dataset-columns',
        pick('maxDatasetColumns', 'MARQUEE_MAX_DATASET_COLUMNS'),
        DEFAULTS.maxDatasetColumns,
      ),
    ),
    jobConcurrency: Math.max(
      1,
      int('--job-concurrency', pick('jobConcurrency', 'MARQUEE_JOB_CONCURRENCY'), os.availableParallelism() - 1),
    ),
    jobTimeLimitS: Math.max(
      1,
      int('--job-time-limit', pick('jobTimeLimitS', 'MARQUEE_JOB_TIME_LIMIT'), DEFAULTS.jobTimeLimitS),
    ),
    jobMaxAttempts: Math.max(
      1,
      int('--job-max-attempts', pick('jobMaxAttempts', 'MARQUEE_JOB_MAX_ATTEMPTS'), DEFAULTS.jobMaxAttempts),
    ),
    demo: flag('--demo', pick('demo', 'MARQUEE_DEMO')),
    usageCounting: flag('MARQUEE_USAGE_COUNTING', pick('usageCounting', 'MARQUEE_USAGE_COUNTING') ?? 'true'),
    rateLimitApi: int('--rate-limit-api', pick('rateLimitApi', 'MARQUEE_RATE_LIMIT_API'), DEFAULTS.rateLimitApi),
    rateLimitPredict: int(
      '--rate-limit-predict',
      pick('rateLimitPredict', 'MARQUEE_RATE_LIMIT_PREDICT'),
      DEFAULTS.rateLimitPredict,
    ),
    quotaStorageBytes: bytes('quotaStorageBytes', 'MARQUEE_QUOTA_STORAGE', DEFAULTS.quotaStorageBytes),
    quotaConcurrentJobs: int(
      '--quota-jobs',
      pick('quotaConcurrentJobs', 'MARQUEE_QUOTA_JOBS'),
      DEFAULTS.quotaConcurrentJobs,
    ),
    webhooksAllowPrivate: flag(
      '--webhooks-allow-private',
      pick('webhooksAllowPrivate', 'MARQUEE_WEBHOOKS_ALLOW_PRIVATE'),
    ),
    webhookRetryBaseMs: int(
      'MARQUEE_WEBHOOK_RETRY_MS',
      pick('webhookRetryBaseMs', 'MARQUEE_WEBHOOK_RETRY_MS'),
      DEFAULTS.webhookRetryBaseMs,
    ),
    webDir: path.resolve(pick('webDir', 'MARQUEE_WEB_DIR') ?? BUILT_WEB_APP),
    allowSignup: flag('--allow-signup', pick('allowSignup', 'MARQUEE_ALLOW_SIGNUP')),
    databaseUrl: databaseUrl(pick('databaseUrl', 'MARQUEE_DATABASE_URL')),
    runJobs: flag('MARQUEE_RUN_JOBS', pick('runJobs', 'MARQUEE_RUN_JOBS') ?? 'true'),
    jobLeaseS: Math.max(1, int('--job-lease', pick('jobLeaseS', 'MARQUEE_JOB_LEASE_S'), DEFAULTS.jobLeaseS)),
    blobUrl: blobUrl(pick('blobUrl', 'MARQUEE_BLOB_URL')),
    workers: Math.max(1, int('--workers', pick('workers', 'MARQUEE_WORKERS'), os.availableParallelism())),
    batchRangeRows: Math.max(
      1,
      int('MARQUEE_BATCH_RANGE_ROWS', pick('batchRangeRows', 'MARQUEE_BATCH_RANGE_ROWS'), DEFAULTS.batchRangeRows),
    ),
  };
}

function databaseUrl(v: string | undefined): string | undefined {
  if (!v) return undefined;
  if (!/^postgres(ql)?:\/\//.test(v)) throw new Error('--database-url must be a postgres:// URL');
  return v;
}

function blobUrl(v: string | undefined): string | undefined {
  if (!v) return undefined;
  if (!/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/.test(v))
    throw new Error(
      '--blob-url must be s3://bucket or s3://bucket/prefix (a bucket name in lowercase letters, digits, dots and hyphens)',
    );
  return v;
}
