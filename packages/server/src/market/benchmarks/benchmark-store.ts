import type { Insertable, Selectable } from 'kysely';
import { isBlobReferenced } from '../../store/blob-references.js';
import { type Db, nowIso } from '../../store/database.js';
import type { BenchmarkResultsTable, BenchmarksTable } from '../../store/schema.js';

export type BenchmarkRow = Selectable<BenchmarksTable>;
export type BenchmarkResultRow = Selectable<BenchmarkResultsTable>;

/** Benchmarks and their results. No rules here; the benchmark service decides. */
export class BenchmarkStore {
  constructor(private readonly db: Db) {}

  /** Inserts a benchmark; undefined when the name is taken. */
  async insert(row: Omit<Insertable<BenchmarksTable>, 'created_at'>): Promise<BenchmarkRow | undefined> {
    return this.db
      .insertInto('benchmarks')
      .values({ ...row, created_at: nowIso() })
      .onConflict((oc) => oc.column('name').doNothing())
      .returningAll()
      .executeTakeFirst();
  }

  byName(name: string): Promise<BenchmarkRow | undefined> {
    return this.db.selectFrom('benchmarks').selectAll().where('name', '=', name).executeTakeFirst();
  }

  list(task?: string): Promise<BenchmarkRow[]> {
    let q = this.db.selectFrom('benchmarks').selectAll().orderBy('name');
    if (task) q = q.where('task', '=', task);
    return q.execute();
  }

  /** Records a result; a version evaluated again keeps its latest evaluation. */
  async putResult(row: Omit<Insertable<BenchmarkResultsTable>, 'created_at'>): Promise<BenchmarkResultRow> {
    const created_at = nowIso();
    return this.db
      .insertInto('benchmark_results')
      .values({ ...row, created_at })
      .onConflict((oc) =>
        oc.columns(['benchmark_id', 'model_id', 'version']).doUpdateSet({
          score: row.score,
          metrics: row.metrics,
          job_id: row.job_id,
          submitted_by: row.submitted_by,
          created_at,
        }),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  result(benchmarkId: number, modelId: number, version: number): Promise<BenchmarkResultRow | undefined> {
    return this.db
      .selectFrom('benchmark_results')
      .selectAll()
      .where('benchmark_id', '=', benchmarkId)
      .where('model_id', '=', modelId)
      .where('version', '=', version)
      .executeTakeFirst();
  }

  /** Every result of a benchmark, best first (the metric's direction given), earlier first on a tie. */
  results(benchmarkId: number, lowerIsBetter: boolean): Promise<BenchmarkResultRow[]> {
    return this.db
      .selectFrom('benchmark_results')
      .selectAll()
      .where('benchmark_id', '=', benchmarkId)
      .orderBy('score', lowerIsBetter ? 'asc' : 'desc')
      .orderBy('created_at', 'asc')
      .orderBy('id', 'asc')
      .execute();
  }

  isBlobReferenced(sha256: string): Promise<boolean> {
    return isBlobReferenced(this.db, sha256);
  }
}
