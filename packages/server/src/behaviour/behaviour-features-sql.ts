import { duckdbReader } from '../datasets/dataset-formats.js';
import type { DatasetFile } from '../datasets/dataset-views.js';
import { quoteIdent } from '../datasets/duckdb.js';

/** Which columns of an event log hold what. */
export interface EventColumns {
  user: string;
  item: string;
  event: string;
  timestamp: string;
  /** Optional amounts (minutes watched, price): summed per user. */
  value?: string;
}

export interface FeatureQuery {
  columns: EventColumns;
  /** Features describe events up to this time (ISO); default the latest event. */
  asOf?: string;
  /** With a cutoff, features use events up to it, and `churned` says who had none after it. */
  churnCutoff?: string;
  /** Event types given a share column each (the most frequent ones). */
  eventTypes: string[];
}

/** SQL string literal. */
function lit(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/** A safe column-name suffix for an event type. */
export function eventColumn(type: string): string {
  return `share_${
    type
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_|_$/g, '') || 'other'
  }`;
}

/**
 * One row per user from an event log, in DuckDB SQL: recency (days since the last event),
 * frequency, active days, sessions (a new one after 30 minutes without events), the share
 * of each event type, distinct items and item diversity, value totals, and 7- and 30-day
 * trends (events in the last period minus the one before).
 */
export function behaviourFeaturesSql(file: Pick<DatasetFile, 'path' | 'format' | 'schema'>, q: FeatureQuery): string {
  const c = q.columns;
  const kind = (name: string) => file.schema.columns.find((x) => x.name === name)?.kind;
  const ts =
    kind(c.timestamp) === 'numeric'
      ? `to_timestamp(CAST(${quoteIdent(c.timestamp)} AS DOUBLE))`
      : `CAST(${quoteIdent(c.timestamp)} AS TIMESTAMP)`;
  const value = c.value ? `CAST(${quoteIdent(c.value)} AS DOUBLE)` : 'NULL::DOUBLE';
  const asOf = q.churnCutoff
    ? `CAST(${lit(q.churnCutoff)} AS TIMESTAMP)`
    : q.asOf
      ? `CAST(${lit(q.asOf)} AS TIMESTAMP)`
      : '(SELECT max(ts) FROM ev)';
  const shares = q.eventTypes
    .map((t) => `count(*) FILTER (WHERE event = ${lit(t)}) / count(*) AS ${quoteIdent(eventColumn(t))}`)
    .join(',\n    ');
  const trend = (days: number) =>
    `count(*) FILTER (WHERE ts > a.as_of - INTERVAL ${days} DAY) - count(*) FILTER (WHERE ts > a.as_of - INTERVAL ${2 * days} DAY AND ts <= a.as_of - INTERVAL ${days} DAY) AS trend_${days}d`;
  return `
WITH ev AS (
  SELECT CAST(${quoteIdent(c.user)} AS VARCHAR) AS user_id, CAST(${quoteIdent(c.item)} AS VARCHAR) AS item,
         CAST(${quoteIdent(c.event)} AS VARCHAR) AS event, ${ts} AS ts, ${value} AS value
  FROM ${duckdbReader(file.path, file.format)}
  WHERE ${quoteIdent(c.user)} IS NOT NULL AND ${quoteIdent(c.timestamp)} IS NOT NULL
),
a AS (SELECT ${asOf} AS as_of),
hist AS (SELECT ev.* FROM ev, a WHERE ev.ts <= a.as_of),
gaps AS (
  SELECT user_id, ts - lag(ts) OVER (PARTITION BY user_id ORDER BY ts) AS gap FROM hist
),
sessions AS (
  SELECT user_id, count(*) FILTER (WHERE gap IS NULL OR gap > INTERVAL 30 MINUTE) AS sessions FROM gaps GROUP BY user_id
),
base AS (
  SELECT user_id,
    date_diff('day', max(ts), any_value(a.as_of)) AS recency_days,
    count(*) AS frequency,
    count(DISTINCT CAST(ts AS DATE)) AS active_days,
    count(DISTINCT item) AS distinct_items,
    count(DISTINCT item) / count(*) AS item_diversity,
    coalesce(sum(value), 0) AS value_total,
    ${trend(7)},
    ${trend(30)}${shares ? `,\n    ${shares}` : ''}
  FROM hist, a GROUP BY user_id
)
SELECT base.*, sessions.sessions${q.churnCutoff ? ',\n  CASE WHEN later.user_id IS NULL THEN 1 ELSE 0 END AS churned' : ''}
FROM base JOIN sessions USING (user_id)${
    q.churnCutoff ? '\nLEFT JOIN (SELECT DISTINCT user_id FROM ev, a WHERE ev.ts > a.as_of) later USING (user_id)' : ''
  }
ORDER BY user_id`;
}
