import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  PostgresDialect,
  type SelectQueryBuilder,
  SqliteDialect,
  sql,
  type Transaction,
} from 'kysely';
import pg from 'pg';
import { migrateToLatest } from './migrations/migrate-to-latest.js';
import type { Database } from './schema.js';

export type Db = Kysely<Database>;
export type Dialect = 'sqlite' | 'postgres';

/**
 * Opens the embedded metadata store: one SQLite file in WAL mode (readers never block
 * the writer; a crash at any point leaves the last committed transaction), migrated to
 * the latest schema.
 */
export async function openSqliteDatabase(dataDir: string): Promise<Db> {
  fs.mkdirSync(dataDir, { recursive: true });
  const sqlite = new SQLite(path.join(dataDir, 'marquee.db'));
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: sqlite }) });
  await migrateToLatest(db as Kysely<unknown>, 'sqlite');
  return db;
}

/**
 * SQLite with transactions that take the write lock when they begin (BEGIN IMMEDIATE).
 * When several processes share the file (`serve --workers`), a deferred transaction that
 * reads and then writes fails at once with SQLITE_BUSY if another process wrote in
 * between, whatever the busy timeout; an immediate one waits its turn instead.
 */
class ImmediateSqliteDialect extends SqliteDialect {
  override createDriver(): Driver {
    const driver = super.createDriver();
    driver.beginTransaction = async (connection: DatabaseConnection) => {
      await connection.executeQuery(CompiledQuery.raw('begin immediate'));
    };
    return driver;
  }
}

// PostgreSQL answers counts and sums as int8 and averages as numeric, which pg gives as
// strings; the code reads numbers, as SQLite gives them (values stay far below 2^53).
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));

/** Opens the cluster mode's metadata store in PostgreSQL, migrated with the same migrations. */
export async function openPostgresDatabase(url: string): Promise<Db> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // An idle connection the server ends (restart, failover) is dropped from the pool and
  // replaced on next use; unhandled, its error would stop the process.
  pool.on('error', (err) => process.emitWarning(`PostgreSQL connection lost: ${err.message}`));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  await migrateToLatest(db as Kysely<unknown>, 'postgres');
  return db;
}

/** The metadata store the configuration names: PostgreSQL for a database URL, else SQLite in the data folder. */
export async function openDatabase(config: {
  dataDir: string;
  databaseUrl?: string;
}): Promise<{ db: Db; dialect: Dialect }> {
  return config.databaseUrl
    ? { db: await openPostgresDatabase(config.databaseUrl), dialect: 'postgres' }
    : { db: await openSqliteDatabase(config.dataDir), dialect: 'sqlite' };
}

/**
 * Brings the configured store to the latest schema and closes it: a cluster's migration
 * step, run once before new API nodes and workers start (they would migrate too, one at a
 * time under the migrator's lock, but a separate step keeps a failed migration from
 * crash-looping every pod).
 */
export async function migrateDatabase(config: { dataDir: string; databaseUrl?: string }): Promise<Dialect> {
  const { db, dialect } = await openDatabase(config);
  await db.destroy();
  return dialect;
}

export function nowIso(): string {
  return new Date().toISOString();
}

/**
 * Locks the rows a claim selects and skips those another transaction holds, so that
 * workers claiming at once take different rows without waiting (PostgreSQL's FOR UPDATE
 * SKIP LOCKED). SQLite has one writer at a time, so its transaction alone suffices.
 */
export function skippingLocked<Q extends SelectQueryBuilder<any, any, any>>(query: Q, dialect: Dialect): Q {
  return dialect === 'postgres' ? (query.forUpdate().skipLocked() as Q) : query;
}

/**
 * Makes transactions that number the children of one row (a model's versions, a
 * dataset's versions, a resource's discussions) take turns: each first writes the parent
 * row, which PostgreSQL locks until commit (SQLite has one writer anyway), so the next
 * one reads the number the previous one took rather than the same maximum.
 */
export async function lockParentRow(
  tx: Transaction<Database>,
  table: 'models' | 'datasets',
  id: number,
): Promise<void> {
  await sql`UPDATE ${sql.table(table)} SET id = id WHERE id = ${id}`.execute(tx);
}
