import {
  type ColumnDefinitionBuilder,
  type Kysely,
  type Migration,
  type MigrationProvider,
  Migrator,
  sql,
} from 'kysely';
import type { Dialect } from './database.js';

/**
 * Schema migrations, in order. Written with Kysely's schema builder so that the same
 * steps run on SQLite (embedded) and PostgreSQL (cluster). Never edit a shipped step:
 * add a new one.
 */
function migrationsFor(dialect: Dialect): Record<string, Migration> {
  // The two dialects differ in two column kinds: an auto-numbered key (SQLite's INTEGER
  // PRIMARY KEY AUTOINCREMENT, PostgreSQL's serial) and a double (SQLite's REAL is one;
  // PostgreSQL's real is single precision).
  const ID = dialect === 'postgres' ? 'serial' : 'integer';
  const id = (c: ColumnDefinitionBuilder) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement());
  const REAL = dialect === 'postgres' ? 'double precision' : 'real';
  return {
    '0001_identity_and_registry': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('owners')
          .addColumn('id', ID, id)
          .addColumn('name', 'text', (c) => c.notNull().unique())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('users')
          .addColumn('owner_id', 'integer', (c) => c.primaryKey().references('owners.id').onDelete('cascade'))
          .addColumn('password_hash', 'text')
          .addColumn('is_admin', 'integer', (c) => c.notNull().defaultTo(0))
          .execute();
        await db.schema
          .createTable('tokens')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('user_id', 'integer', (c) => c.notNull().references('users.owner_id').onDelete('cascade'))
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('token_hash', 'text', (c) => c.notNull().unique())
          .addColumn('scopes', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('models')
          .addColumn('id', ID, id)
          .addColumn('owner_id', 'integer', (c) => c.notNull().references('owners.id'))
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('task', 'text', (c) => c.notNull())
          .addColumn('visibility', 'text', (c) => c.notNull())
          .addColumn('description', 'text', (c) => c.notNull())
          .addColumn('tags', 'text', (c) => c.notNull())
          .addColumn('license', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .addUniqueConstraint('models_owner_name', ['owner_id', 'name'])
          .execute();
        await db.schema
          .createTable('model_versions')
          .addColumn('id', ID, id)
          .addColumn('model_id', 'integer', (c) => c.notNull().references('models.id').onDelete('cascade'))
          .addColumn('version', 'integer', (c) => c.notNull())
          .addColumn('format', 'text', (c) => c.notNull())
          .addColumn('sha256', 'text', (c) => c.notNull())
          .addColumn('size_bytes', 'integer', (c) => c.notNull())
          .addColumn('signature', 'text', (c) => c.notNull())
          .addColumn('created_by', 'integer', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addUniqueConstraint('model_versions_model_version', ['model_id', 'version'])
          .execute();
        await db.schema
          .createTable('model_aliases')
          .addColumn('model_id', 'integer', (c) => c.notNull().references('models.id').onDelete('cascade'))
          .addColumn('alias', 'text', (c) => c.notNull())
          .addColumn('version', 'integer', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('model_aliases_pk', ['model_id', 'alias'])
          .execute();
        await sql`CREATE INDEX tokens_user ON tokens (user_id)`.execute(db);
      },
    },
    '0002_datasets_and_jobs': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('datasets')
          .addColumn('id', ID, id)
          .addColumn('owner_id', 'integer', (c) => c.notNull().references('owners.id'))
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('visibility', 'text', (c) => c.notNull())
          .addColumn('description', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .addUniqueConstraint('datasets_owner_name', ['owner_id', 'name'])
          .execute();
        await db.schema
          .createTable('dataset_versions')
          .addColumn('id', ID, id)
          .addColumn('dataset_id', 'integer', (c) => c.notNull().references('datasets.id').onDelete('cascade'))
          .addColumn('version', 'integer', (c) => c.notNull())
          .addColumn('format', 'text', (c) => c.notNull())
          .addColumn('sha256', 'text', (c) => c.notNull())
          .addColumn('size_bytes', 'integer', (c) => c.notNull())
          .addColumn('row_count', 'integer', (c) => c.notNull())
          .addColumn('schema', 'text', (c) => c.notNull())
          .addColumn('lineage', 'text')
          .addColumn('created_by', 'integer', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addUniqueConstraint('dataset_versions_dataset_version', ['dataset_id', 'version'])
          .execute();
        await db.schema
          .createTable('jobs')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('created_by', 'integer', (c) => c.notNull().references('users.owner_id'))
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('spec', 'text', (c) => c.notNull())
          .addColumn('progress', 'text')
          .addColumn('result', 'text')
          .addColumn('error', 'text')
          .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('max_attempts', 'integer', (c) => c.notNull())
          .addColumn('time_limit_s', 'integer', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('started_at', 'text')
          .addColumn('finished_at', 'text')
          .execute();
        await sql`CREATE INDEX jobs_state ON jobs (state, created_at)`.execute(db);
        // Trained versions keep the engine artifact and what the training measured.
        await db.schema.alterTable('model_versions').addColumn('native_sha256', 'text').execute();
        await db.schema.alterTable('model_versions').addColumn('details', 'text').execute();
      },
    },
    '0003_marketplace': {
      async up(db: Kysely<unknown>) {
        // Every version keeps an example request; the last publish attempt's report.
        await db.schema.alterTable('model_versions').addColumn('example', 'text').execute();
        await db.schema.alterTable('model_versions').addColumn('verification', 'text').execute();
        await db.schema
          .createTable('model_cards')
          .addColumn('model_id', 'integer', (c) => c.primaryKey().references('models.id').onDelete('cascade'))
          .addColumn('markdown', 'text', (c) => c.notNull())
          .addColumn('generated', 'integer', (c) => c.notNull())
          .addColumn('updated_by', 'integer', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('listings')
          .addColumn('model_id', 'integer', (c) => c.primaryKey().references('models.id').onDelete('cascade'))
          .addColumn('owner_id', 'integer', (c) => c.notNull())
          .addColumn('owner', 'text', (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('task', 'text', (c) => c.notNull())
          .addColumn('license', 'text', (c) => c.notNull())
          .addColumn('tags', 'text', (c) => c.notNull())
          .addColumn('description', 'text', (c) => c.notNull())
          .addColumn('visibility', 'text', (c) => c.notNull())
          .addColumn('version', 'integer', (c) => c.notNull())
          .addColumn('metrics', 'text', (c) => c.notNull())
          .addColumn('likes', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('downloads', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('trending', REAL, (c) => c.notNull().defaultTo(0))
          .addColumn('published_by', 'integer', (c) => c.notNull())
          .addColumn('published_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('listing_facets')
          .addColumn('model_id', 'integer', (c) => c.notNull().references('listings.model_id').onDelete('cascade'))
          .addColumn('facet', 'text', (c) => c.notNull())
          .addColumn('value', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('listing_facets_pk', ['model_id', 'facet', 'value'])
          .execute();
        await db.schema
          .createTable('listing_metrics')
          .addColumn('model_id', 'integer', (c) => c.notNull().references('listings.model_id').onDelete('cascade'))
          .addColumn('metric', 'text', (c) => c.notNull())
          .addColumn('value', REAL, (c) => c.notNull())
          .addPrimaryKeyConstraint('listing_metrics_pk', ['model_id', 'metric'])
          .execute();
        await db.schema
          .createTable('model_likes')
          .addColumn('model_id', 'integer', (c) => c.notNull().references('models.id').onDelete('cascade'))
          .addColumn('user_id', 'integer', (c) => c.notNull().references('users.owner_id').onDelete('cascade'))
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('model_likes_pk', ['model_id', 'user_id'])
          .execute();
        await db.schema
          .createTable('model_usage_daily')
          .addColumn('model_id', 'integer', (c) => c.notNull().references('models.id').onDelete('cascade'))
          .addColumn('day', 'text', (c) => c.notNull())
          .addColumn('downloads', 'integer', (c) => c.notNull())
          .addColumn('predictions', 'integer', (c) => c.notNull())
          .addPrimaryKeyConstraint('model_usage_daily_pk', ['model_id', 'day'])
          .execute();
        await db.schema
          .createTable('benchmarks')
          .addColumn('id', ID, id)
          .addColumn('name', 'text', (c) => c.notNull().unique())
          .addColumn('task', 'text', (c) => c.notNull())
          .addColumn('description', 'text', (c) => c.notNull())
          .addColumn('dataset', 'text', (c) => c.notNull())
          .addColumn('target', 'text', (c) => c.notNull())
          .addColumn('metric', 'text', (c) => c.notNull())
          .addColumn('test_fraction', REAL, (c) => c.notNull())
          .addColumn('seed', 'integer', (c) => c.notNull())
          .addColumn('created_by', 'integer', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('benchmark_results')
          .addColumn('id', ID, id)
          .addColumn('benchmark_id', 'integer', (c) => c.notNull().references('benchmarks.id').onDelete('cascade'))
          .addColumn('model_id', 'integer', (c) => c.notNull().references('models.id').onDelete('cascade'))
          .addColumn('version', 'integer', (c) => c.notNull())
          .addColumn('score', REAL, (c) => c.notNull())
          .addColumn('metrics', 'text', (c) => c.notNull())
          .addColumn('job_id', 'text', (c) => c.notNull())
          .addColumn('submitted_by', 'integer', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addUniqueConstraint('benchmark_results_unique', ['benchmark_id', 'model_id', 'version'])
          .execute();
        await sql`CREATE INDEX listing_facets_value ON listing_facets (facet, value)`.execute(db);
        await sql`CREATE INDEX model_likes_user ON model_likes (user_id)`.execute(db);
      },
    },
    '0004_benchmark_parts': {
      // 0003's benchmark tables were never written to; they are made again with the split's
      // two parts, which the benchmark keeps as its own blobs so the source dataset may change
      // hands or go away without the hidden test part leaking or the ranking losing its ground.
      async up(db: Kysely<unknown>) {
        await db.schema.dropTable('benchmark_results').execute();
        await db.schema.dropTable('benchmarks').execute();
        await db.schema
          .createTable('benchmarks')
          .addColumn('id', ID, id)
          .addColumn('name', 'text', (c) => c.notNull().unique())
          .addColumn('task', 'text', (c) => c.notNull())
          .addColumn('description', 'text', (c) => c.notNull())
          .addColumn('dataset', 'text', (c) => c.notNull())
          .addColumn('target', 'text', (c) => c.notNull())
          .addColumn('metric', 'text', (c) => c.notNull())
          .addColumn('test_fraction', REAL, (c) => c.notNull())
          .addColumn('seed', 'integer', (c) => c.notNull())
          .addColumn('columns', 'text', (c) => c.notNull())
          .addColumn('train_sha256', 'text', (c) => c.notNull())
          .addColumn('train_rows', 'integer', (c) => c.notNull())
          .addColumn('test_sha256', 'text', (c) => c.notNull())
          .addColumn('test_rows', 'integer', (c) => c.notNull())
          .addColumn('created_by', 'integer', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('benchmark_results')
          .addColumn('id', ID, id)
          .addColumn('benchmark_id', 'integer', (c) => c.notNull().references('benchmarks.id').onDelete('cascade'))
          .addColumn('model_id', 'integer', (c) => c.notNull().references('models.id').onDelete('cascade'))
          .addColumn('version', 'integer', (c) => c.notNull())
          .addColumn('score', REAL, (c) => c.notNull())
          .addColumn('metrics', 'text', (c) => c.notNull())
          .addColumn('job_id', 'text', (c) => c.notNull())
          .addColumn('submitted_by', 'integer', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addUniqueConstraint('benchmark_results_unique', ['benchmark_id', 'model_id', 'version'])
          .execute();
        await sql`CREATE INDEX benchmarks_task ON benchmarks (task)`.execute(db);
      },
    },
    '0005_market_revisions': {
      // A counter per cached view of the market's tables (the search's facet index): every
      // node compares it with the revision it loaded, so a change made by another node in
      // the cluster mode is seen at the next search.
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('market_revisions')
          .addColumn('name', 'text', (c) => c.primaryKey())
          .addColumn('revision', 'integer', (c) => c.notNull())
          .execute();
        await sql`INSERT INTO market_revisions (name, revision) VALUES ('facets', 0)`.execute(db);
      },
    },
    '0006_orgs_and_roles': {
      // Organisations are owners of kind 'org' (one namespace with users); visibility gains
      // 'internal' (a text column: no schema change).
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('org_members')
          .addColumn('org_id', 'integer', (c) => c.notNull().references('owners.id').onDelete('cascade'))
          .addColumn('user_id', 'integer', (c) => c.notNull().references('users.owner_id').onDelete('cascade'))
          .addColumn('role', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('org_members_pk', ['org_id', 'user_id'])
          .execute();
        await db.schema
          .createTable('collaborators')
          .addColumn('resource', 'text', (c) => c.notNull())
          .addColumn('resource_id', 'integer', (c) => c.notNull())
          .addColumn('user_id', 'integer', (c) => c.notNull().references('users.owner_id').onDelete('cascade'))
          .addColumn('role', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('collaborators_pk', ['resource', 'resource_id', 'user_id'])
          .execute();
        await sql`CREATE INDEX org_members_user ON org_members (user_id)`.execute(db);
        await sql`CREATE INDEX collaborators_user ON collaborators (user_id, resource)`.execute(db);
      },
    },
    '0007_forks': {
      // Where a fork came from, as its name at the time: it stays readable after the source goes.
      async up(db: Kysely<unknown>) {
        await db.schema.alterTable('models').addColumn('forked_from', 'text').execute();
        await db.schema.alterTable('datasets').addColumn('forked_from', 'text').execute();
      },
    },
    '0008_audit_log': {
      // Append-only: no code updates or deletes a row. Actor and owner are kept by id and
      // name, without foreign keys, so the record outlives the user or model it names.
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('audit_log')
          .addColumn('id', ID, id)
          .addColumn('at', 'text', (c) => c.notNull())
          .addColumn('actor_id', 'integer')
          .addColumn('actor', 'text')
          .addColumn('token_id', 'text')
          .addColumn('address', 'text', (c) => c.notNull())
          .addColumn('method', 'text', (c) => c.notNull())
          .addColumn('route', 'text', (c) => c.notNull())
          .addColumn('path', 'text', (c) => c.notNull())
          .addColumn('owner_id', 'integer')
          .addColumn('status', 'integer', (c) => c.notNull())
          .addColumn('request_id', 'text', (c) => c.notNull())
          .execute();
        await sql`CREATE INDEX audit_log_actor ON audit_log (actor_id, id)`.execute(db);
        await sql`CREATE INDEX audit_log_owner ON audit_log (owner_id, id)`.execute(db);
      },
    },
    '0009_token_last_used': {
      async up(db: Kysely<unknown>) {
        await db.schema.alterTable('tokens').addColumn('last_used_at', 'text').execute();
      },
    },
    '0010_discussions': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('discussions')
          .addColumn('id', ID, id)
          .addColumn('resource', 'text', (c) => c.notNull())
          .addColumn('resource_id', 'integer', (c) => c.notNull())
          .addColumn('number', 'integer', (c) => c.notNull())
          .addColumn('title', 'text', (c) => c.notNull())
          .addColumn('author_id', 'integer', (c) => c.notNull())
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('locked', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .addUniqueConstraint('discussions_number', ['resource', 'resource_id', 'number'])
          .execute();
        await db.schema
          .createTable('discussion_comments')
          .addColumn('id', ID, id)
          .addColumn('discussion_id', 'integer', (c) => c.notNull().references('discussions.id').onDelete('cascade'))
          .addColumn('author_id', 'integer', (c) => c.notNull())
          .addColumn('body', 'text', (c) => c.notNull())
          .addColumn('hidden', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('edited_at', 'text')
          .execute();
        await sql`CREATE INDEX discussion_comments_thread ON discussion_comments (discussion_id, id)`.execute(db);
      },
    },
    '0011_webhooks': {
      // webhook_deliveries is the outbox and the delivery log at once: an event is written
      // here before anything is sent, so a crash loses nothing; the dispatcher resumes it.
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('webhooks')
          .addColumn('id', ID, id)
          .addColumn('owner_id', 'integer', (c) => c.notNull().references('owners.id').onDelete('cascade'))
          .addColumn('url', 'text', (c) => c.notNull())
          .addColumn('events', 'text', (c) => c.notNull())
          .addColumn('secret', 'text', (c) => c.notNull())
          .addColumn('created_by', 'integer', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('webhook_deliveries')
          .addColumn('id', ID, id)
          .addColumn('webhook_id', 'integer', (c) => c.notNull().references('webhooks.id').onDelete('cascade'))
          .addColumn('event', 'text', (c) => c.notNull())
          .addColumn('payload', 'text', (c) => c.notNull())
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('next_at', 'text', (c) => c.notNull())
          .addColumn('last_status', 'integer')
          .addColumn('last_error', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('delivered_at', 'text')
          .execute();
        await sql`CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_at)`.execute(db);
        await sql`CREATE INDEX webhooks_owner ON webhooks (owner_id)`.execute(db);
      },
    },
    '0012_owner_quotas': {
      // Per-owner overrides of the server's default quotas (null: the default).
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('owner_quotas')
          .addColumn('owner_id', 'integer', (c) => c.primaryKey().references('owners.id').onDelete('cascade'))
          .addColumn('storage_bytes', 'integer')
          .addColumn('concurrent_jobs', 'integer')
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
      },
    },
    '0013_token_limits': {
      // A token may be limited to what one organisation owns, or to one model: by id (what
      // the checks use) and by name (what the owner reads).
      async up(db: Kysely<unknown>) {
        await db.schema.alterTable('tokens').addColumn('limited_to', 'text').execute();
        await db.schema.alterTable('tokens').addColumn('limit_owner_id', 'integer').execute();
        await db.schema.alterTable('tokens').addColumn('limit_model_id', 'integer').execute();
      },
    },
    '0014_proposals': {
      async up(db: Kysely<unknown>) {
        await db.schema.alterTable('models').addColumn('evaluation', 'text').execute();
        await db.schema
          .createTable('alias_rules')
          .addColumn('model_id', 'integer', (c) => c.notNull().references('models.id').onDelete('cascade'))
          .addColumn('alias', 'text', (c) => c.notNull())
          .addColumn('metric', 'text', (c) => c.notNull())
          .addColumn('tolerance', REAL, (c) => c.notNull())
          .addColumn('updated_by', 'integer', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('alias_rules_pk', ['model_id', 'alias'])
          .execute();
        await db.schema
          .createTable('proposals')
          .addColumn('id', ID, id)
          .addColumn('model_id', 'integer', (c) => c.notNull().references('models.id').onDelete('cascade'))
          .addColumn('number', 'integer', (c) => c.notNull())
          .addColumn('title', 'text', (c) => c.notNull())
          .addColumn('description', 'text', (c) => c.notNull())
          .addColumn('author_id', 'integer', (c) => c.notNull())
          .addColumn('source', 'text', (c) => c.notNull())
          .addColumn('candidate_model_id', 'integer')
          .addColumn('candidate_version', 'integer')
          .addColumn('wait_job_id', 'text')
          .addColumn('target_alias', 'text', (c) => c.notNull())
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('evaluation_job_id', 'text')
          .addColumn('report', 'text')
          .addColumn('error', 'text')
          .addColumn('merged_by', 'integer')
          .addColumn('merged_at', 'text')
          .addColumn('merged_version', 'integer')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .addUniqueConstraint('proposals_number', ['model_id', 'number'])
          .execute();
        await sql`CREATE INDEX proposals_waiting ON proposals (state, wait_job_id)`.execute(db);
      },
    },
    '0015_deployments': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('deployments')
          .addColumn('model_id', 'integer', (c) => c.notNull().references('models.id').onDelete('cascade'))
          .addColumn('alias', 'text', (c) => c.notNull())
          .addColumn('routes', 'text', (c) => c.notNull())
          .addColumn('shadow_version', 'integer')
          .addColumn('sticky', 'text', (c) => c.notNull())
          .addColumn('proposal_number', 'integer')
          .addColumn('started_by', 'integer', (c) => c.notNull())
          .addColumn('started_at', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('deployments_pk', ['model_id', 'alias'])
          .execute();
      },
    },
    '0016_cluster': {
      async up(db: Kysely<unknown>) {
        // A running job belongs to the process holding its lease; a lease not renewed in
        // time marks the job interrupted, whatever host it ran on.
        await db.schema.alterTable('jobs').addColumn('lease_owner', 'text').execute();
        await db.schema.alterTable('jobs').addColumn('lease_until', 'text').execute();
        // Rate-limit windows every node adds its calls to (the cluster mode's shared limits).
        await db.schema
          .createTable('rate_windows')
          .addColumn('policy', 'text', (c) => c.notNull())
          .addColumn('key', 'text', (c) => c.notNull())
          .addColumn('window_start', 'bigint', (c) => c.notNull())
          .addColumn('count', 'integer', (c) => c.notNull())
          .addPrimaryKeyConstraint('rate_windows_pk', ['policy', 'key', 'window_start'])
          .execute();
      },
    },
    '0017_sub_jobs': {
      async up(db: Kysely<unknown>) {
        await db.schema.alterTable('jobs').addColumn('parent_id', 'text').execute();
        await sql`CREATE INDEX jobs_parent ON jobs (parent_id)`.execute(db);
      },
    },
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
