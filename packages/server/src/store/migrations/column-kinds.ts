import type { ColumnDefinitionBuilder } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * The two column kinds in which the dialects differ: an auto-numbered key (SQLite's
 * INTEGER PRIMARY KEY AUTOINCREMENT, PostgreSQL's serial) and a double (SQLite's REAL is
 * one; PostgreSQL's real is single precision).
 */
export interface ColumnKinds {
  /** The auto-numbered key's type. */
  ID: 'serial' | 'integer';
  /** The auto-numbered key's constraints. */
  id: (c: ColumnDefinitionBuilder) => ColumnDefinitionBuilder;
  /** A double-precision number. */
  REAL: 'double precision' | 'real';
}

export function columnKinds(dialect: Dialect): ColumnKinds {
  const postgres = dialect === 'postgres';
  return {
    ID: postgres ? 'serial' : 'integer',
    id: (c) => (postgres ? c.primaryKey() : c.primaryKey().autoIncrement()),
    REAL: postgres ? 'double precision' : 'real',
  };
}
