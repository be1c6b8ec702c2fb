import { type Kysely, type Migration, sql } from 'kysely';
import type { ColumnKinds } from './column-kinds.js';

/** Migration 0004: benchmark parts. Shipped: never edit it, add a new one. */
export function benchmarkParts({ ID, id, REAL }: ColumnKinds): Migration {
  return {
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
  };
}
