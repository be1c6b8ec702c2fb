import { type ConfigOverrides, DEFAULTS } from '@marquee/server/config';
import { opt } from '../command.js';

/** The options that put `serve` and `worker` in the cluster mode (shared database and blobs). */
export const CLUSTER_OPTIONS = {
  'database-url': opt(
    'string',
    'postgres://… : metadata and the job queue in PostgreSQL (MARQUEE_DATABASE_URL); default SQLite in --data',
  ),
  'blob-url': opt(
    'string',
    's3://bucket/prefix : artifacts and datasets in an S3-compatible store (MARQUEE_BLOB_URL; endpoint and credentials from AWS_ENDPOINT_URL, AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY); default a folder in --data',
  ),
  'job-lease': opt(
    'string',
    `seconds a running job's lease lasts without a heartbeat before another worker takes the job over (default ${DEFAULTS.jobLeaseS})`,
  ),
};

export function clusterFlags(values: Record<string, unknown>): ConfigOverrides {
  return {
    databaseUrl: values['database-url'] as string | undefined,
    blobUrl: values['blob-url'] as string | undefined,
    jobLeaseS: values['job-lease'] as string | undefined,
  };
}
