import { type RawBuilder, sql } from 'kysely';
import { viewerOf, visibleSql } from '../auth/resource-access.js';
import type { Principal } from '../auth/scopes.js';
import type { Db } from '../store/database.js';
import type { FullTextIndex } from '../store/full-text/full-text-index.js';
import type { FacetCounts, FacetCountsAnswer } from './facet-counts.js';
import type { ListingRow } from './market-store.js';

export const SEARCH_SORTS = ['relevance', 'trending', 'likes', 'downloads', 'updated'] as const;
export type SearchSort = (typeof SEARCH_SORTS)[number] | `metric:${string}`;

/** Metrics where lower is better: sorted ascending. */
const LOWER_IS_BETTER = new Set(['rmse', 'mae', 'mse', 'log_loss', 'logloss']);

export interface SearchQuery {
  q?: string;
  task?: string;
  tag?: string;
  license?: string;
  owner?: string;
  sort?: SearchSort;
  page: number;
  limit: number;
}

export interface SearchAnswer {
  items: ListingRow[];
  total: number;
  facets: FacetCountsAnswer;
}

/**
 * Search over published listings: full text (ranked by the index, an exact name first),
 * facet filters and counts, sorts, pages; only listings the caller may see. One SQL query
 * for the page, one for the matching ids (the total; facets counted from them in memory);
 * the full-text part comes from the
 * store's index, so the same query runs over SQLite FTS5 or PostgreSQL full text.
 */
export class ListingSearch {
  constructor(
    private readonly db: Db,
    private readonly text: FullTextIndex,
    private readonly facets: FacetCounts,
  ) {}

  async search(caller: Principal | undefined, q: SearchQuery): Promise<SearchAnswer> {
    const words = q.q?.trim() ?? '';
    const hits = words ? this.text.matches(words) : undefined;
    if (words && !hits) return { items: [], total: 0, facets: { task: [], tag: [], license: [], owner: [] } };
    const where: RawBuilder<unknown>[] = [visibleSql(viewerOf(caller), 'l', 'model_id', 'model')];
    for (const facet of ['task', 'tag', 'license', 'owner'] as const) {
      const value = q[facet];
      if (value !== undefined) {
        where.push(
          sql`EXISTS (SELECT 1 FROM listing_facets f WHERE f.model_id = l.model_id AND f.facet = ${facet} AND f.value = ${value})`,
        );
      }
    }
    const from = hits ? sql`listings l JOIN (${hits}) h ON h.id = l.model_id` : sql`listings l`;
    const filtered = sql`${from} WHERE ${sql.join(where, sql` AND `)}`;
    const sort = q.sort ?? (hits ? 'relevance' : 'trending');
    let metricJoin = sql``;
    let order: RawBuilder<unknown>;
    if (sort.startsWith('metric:')) {
      const metric = sort.slice('metric:'.length);
      metricJoin = sql`LEFT JOIN listing_metrics m ON m.model_id = l.model_id AND m.metric = ${metric}`;
      order = LOWER_IS_BETTER.has(metric) ? sql`m.value ASC NULLS LAST` : sql`m.value DESC NULLS LAST`;
    } else if (sort === 'relevance' && hits) {
      const lower = words.toLowerCase();
      order = sql`CASE WHEN l.name = ${lower} OR l.owner || '/' || l.name = ${lower} THEN 0 ELSE 1 END, h.rank`;
    } else if (sort === 'likes') order = sql`l.likes DESC`;
    else if (sort === 'downloads') order = sql`l.downloads DESC`;
    else if (sort === 'updated') order = sql`l.updated_at DESC`;
    else order = sql`l.trending DESC, l.likes DESC`;
    const offset = (q.page - 1) * q.limit;
    const page = await sql<ListingRow>`SELECT l.* FROM ${from} ${metricJoin} WHERE ${sql.join(where, sql` AND `)}
      ORDER BY ${order}, l.model_id LIMIT ${q.limit} OFFSET ${offset}`.execute(this.db);
    // The matching ids once, for the total and the facet counts (counted in memory).
    const ids = await sql<{ id: number }>`SELECT l.model_id AS id FROM ${filtered}`.execute(this.db);
    const facets = await this.facets.count(ids.rows.map((r) => r.id));
    return { items: page.rows, total: ids.rows.length, facets };
  }
}
