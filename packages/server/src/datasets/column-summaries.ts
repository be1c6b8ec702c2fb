import { type DatasetFormat, duckdbReader } from './dataset-formats.js';
import { quoteIdent, withDuckDb } from './duckdb.js';
import type { ColumnSchema } from './schema-inference.js';

export interface NumericSummary {
  name: string;
  kind: 'numeric';
  nulls: number;
  min: number | null;
  max: number | null;
  mean: number | null;
  std: number | null;
  quartiles: [number, number, number] | null;
  /** Equal-width bins from min to max (the last one includes max). */
  histogram: Array<{ from: number; to: number; count: number }>;
}

export interface ValueSummary {
  name: string;
  kind: 'categorical' | 'ordinal' | 'text' | 'datetime';
  nulls: number;
  distinct: number;
  /** The most frequent values (texts cut to 80 characters), most frequent first; ordinal columns: every level, in order. */
  top: Array<{ value: string; count: number }>;
  min?: string | null;
  max?: string | null;
}

export type ColumnSummary = NumericSummary | ValueSummary;

const BINS = 20;
const TOP = 10;

/**
 * Per-column summaries of a stored dataset version, computed by DuckDB where the file
 * lies: for numbers min, max, mean, standard deviation, quartiles and a 20-bin
 * histogram; for categories, texts and times the most frequent values (and the range of
 * times); for ordinal columns the count of every level, in order.
 */
export async function summarizeColumns(
  path: string,
  format: DatasetFormat,
  columns: ColumnSchema[],
): Promise<ColumnSummary[]> {
  const from = duckdbReader(path, format);
  return withDuckDb(async (c) => {
    const rows = async (sql: string) => (await c.runAndReadAll(sql)).getRowObjectsJson();
    const out: ColumnSummary[] = [];
    for (const col of columns) {
      const q = quoteIdent(col.name);
      if (col.kind === 'numeric') {
        const [s] = await rows(
          `SELECT min(${q})::DOUBLE AS mn, max(${q})::DOUBLE AS mx, avg(${q})::DOUBLE AS mean, stddev_samp(${q})::DOUBLE AS sd,
             quantile_cont(${q}::DOUBLE, [0.25, 0.5, 0.75]) AS qs FROM ${from}`,
        );
        const mn = num(s?.mn);
        const mx = num(s?.mx);
        let histogram: NumericSummary['histogram'] = [];
        if (mn !== null && mx !== null) {
          const width = mx > mn ? (mx - mn) / BINS : 1;
          const bins = mx > mn ? BINS : 1;
          const counts = await rows(
            `SELECT least(floor((${q}::DOUBLE - ${mn}) / ${width}), ${bins - 1})::INTEGER AS b, count(*)::INTEGER AS n
               FROM ${from} WHERE ${q} IS NOT NULL GROUP BY b`,
          );
          const byBin = new Map(counts.map((r) => [Number(r.b), Number(r.n)]));
          histogram = Array.from({ length: bins }, (_, b) => ({
            from: mn + b * width,
            to: b === bins - 1 ? mx : mn + (b + 1) * width,
            count: byBin.get(b) ?? 0,
          }));
        }
        const qs = Array.isArray(s?.qs) ? (s.qs as unknown[]).map(Number) : null;
        out.push({
          name: col.name,
          kind: 'numeric',
          nulls: col.nulls,
          min: mn,
          max: mx,
          mean: num(s?.mean),
          std: num(s?.sd),
          quartiles: qs && qs.length === 3 ? (qs as [number, number, number]) : null,
          histogram,
        });
        continue;
      }
      const top = await rows(
        `SELECT left(${q}::VARCHAR, 80) AS v, count(*)::INTEGER AS n FROM ${from} WHERE ${q} IS NOT NULL
           GROUP BY v ORDER BY n DESC, v LIMIT ${col.kind === 'ordinal' ? (col.order?.length ?? TOP) : TOP}`,
      );
      let values = top.map((r) => ({ value: String(r.v), count: Number(r.n) }));
      if (col.order) {
        const count = new Map(values.map((v) => [v.value, v.count]));
        values = col.order.map((value) => ({ value, count: count.get(value) ?? 0 }));
      }
      const summary: ValueSummary = {
        name: col.name,
        kind: col.kind,
        nulls: col.nulls,
        distinct: col.distinct,
        top: values,
      };
      if (col.kind === 'datetime') {
        const [r] = await rows(`SELECT min(${q})::VARCHAR AS mn, max(${q})::VARCHAR AS mx FROM ${from}`);
        summary.min = (r?.mn as string | null) ?? null;
        summary.max = (r?.mx as string | null) ?? null;
      }
      out.push(summary);
    }
    return out;
  });
}

function num(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}
