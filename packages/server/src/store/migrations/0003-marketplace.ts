import { type Kysely, type Migration, sql } from 'kysely';
import type { ColumnKinds } from './column-kinds.js';

/** Migration 0003: marketplace. Shipped: never edit it, add a new one. */
export function marketplace({ ID, id, REAL }: ColumnKinds): Migration {
  return {
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
  };
}
