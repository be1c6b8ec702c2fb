import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import type { Dialect } from '../database.js';
import { identityAndRegistry } from './0001-identity-and-registry.js';
import { datasetsAndJobs } from './0002-datasets-and-jobs.js';
import { marketplace } from './0003-marketplace.js';
import { benchmarkParts } from './0004-benchmark-parts.js';
import { marketRevisions } from './0005-market-revisions.js';
import { orgsAndRoles } from './0006-orgs-and-roles.js';
import { forks } from './0007-forks.js';
import { auditLog } from './0008-audit-log.js';
import { tokenLastUsed } from './0009-token-last-used.js';
import { discussions } from './0010-discussions.js';
import { webhooks } from './0011-webhooks.js';
import { ownerQuotas } from './0012-owner-quotas.js';
import { tokenLimits } from './0013-token-limits.js';
import { proposals } from './0014-proposals.js';
import { deployments } from './0015-deployments.js';
import { cluster } from './0016-cluster.js';
import { subJobs } from './0017-sub-jobs.js';
import { columnKinds } from './column-kinds.js';

/**
 * Schema migrations, in order, one file each. Written with Kysely's schema builder so
 * that the same steps run on SQLite (embedded) and PostgreSQL (cluster). The names are
 * what the database records as applied: never edit or rename a shipped step, add one.
 */
function migrationsFor(dialect: Dialect): Record<string, Migration> {
  const kinds = columnKinds(dialect);
  return {
    '0001_identity_and_registry': identityAndRegistry(kinds),
    '0002_datasets_and_jobs': datasetsAndJobs(kinds),
    '0003_marketplace': marketplace(kinds),
    '0004_benchmark_parts': benchmarkParts(kinds),
    '0005_market_revisions': marketRevisions(),
    '0006_orgs_and_roles': orgsAndRoles(),
    '0007_forks': forks(),
    '0008_audit_log': auditLog(kinds),
    '0009_token_last_used': tokenLastUsed(),
    '0010_discussions': discussions(kinds),
    '0011_webhooks': webhooks(kinds),
    '0012_owner_quotas': ownerQuotas(),
    '0013_token_limits': tokenLimits(),
    '0014_proposals': proposals(kinds),
    '0015_deployments': deployments(),
    '0016_cluster': cluster(),
    '0017_sub_jobs': subJobs(),
  };
}

export async function migrateToLatest(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => migrationsFor(dialect) };
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${String(error)}`);
  }
}
