import type { Selectable } from 'kysely';
import { sql } from 'kysely';
import { type Db, nowIso } from '../store/database.js';
import type { ListingsTable, ModelCardsTable } from '../store/schema.js';

export type ListingRow = Selectable<ListingsTable>;
export type CardRow = ModelCardsTable;

/** What a listing copies from its model, kept fresh when the model changes. */
export type ListingFields = Pick<
  ListingsTable,
  'owner_id' | 'owner' | 'name' | 'task' | 'license' | 'tags' | 'description' | 'visibility'
>;

/**
 * The marketplace's queries: cards, listings (with their facets and verified metrics),
 * likes and daily usage. No rules here; the services decide.
 */
export class MarketStore {
  constructor(readonly db: Db) {}

  card(modelId: number): Promise<CardRow | undefined> {
    return this.db.selectFrom('model_cards').selectAll().where('model_id', '=', modelId).executeTakeFirst();
  }

  async putCard(modelId: number, markdown: string, generated: boolean, userId: number): Promise<void> {
    const row = { markdown, generated: generated ? 1 : 0, updated_by: userId, updated_at: nowIso() };
    await this.db
      .insertInto('model_cards')
      .values({ model_id: modelId, ...row })
      .onConflict((oc) => oc.column('model_id').doUpdateSet(row))
      .execute();
  }

  listing(modelId: number): Promise<ListingRow | undefined> {
    return this.db.selectFrom('listings').selectAll().where('model_id', '=', modelId).executeTakeFirst();
  }

  allListings(): Promise<ListingRow[]> {
    return this.db.selectFrom('listings').selectAll().execute();
  }

  /** Publishes (or republishes) a listing with its facets and metrics, in one transaction. */
  async putListing(
    modelId: number,
    fields: ListingFields,
    published: { version: number; metrics: Record<string, number>; by: number },
  ): Promise<void> {
    const now = nowIso();
    await this.db.transaction().execute(async (tx) => {
      const row = {
        ...fields,
        version: published.version,
        metrics: JSON.stringify(published.metrics),
        published_by: published.by,
        published_at: now,
        updated_at: now,
      };
      await tx
        .insertInto('listings')
        .values({ model_id: modelId, ...row })
        .onConflict((oc) => oc.column('model_id').doUpdateSet(row))
        .execute();
      await tx.deleteFrom('listing_metrics').where('model_id', '=', modelId).execute();
      const metrics = Object.entries(published.metrics).filter(([, v]) => Number.isFinite(v));
      if (metrics.length) {
        await tx
          .insertInto('listing_metrics')
          .values(metrics.map(([metric, value]) => ({ model_id: modelId, metric, value })))
          .execute();
      }
      await writeFacets(tx, modelId, fields);
    });
  }

  /** Copies the model's changed fields into its listing (no-op when it is not listed). */
  async refreshListing(modelId: number, fields: ListingFields): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      const res = await tx
        .updateTable('listings')
        .set({ ...fields, updated_at: nowIso() })
        .where('model_id', '=', modelId)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) === 0) return false;
      await writeFacets(tx, modelId, fields);
      return true;
    });
  }

  async deleteListing(modelId: number): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      // Its facets go by the cascade.
      const res = await tx.deleteFrom('listings').where('model_id', '=', modelId).executeTakeFirst();
      await bumpFacetRevision(tx);
      return Number(res.numDeletedRows) > 0;
    });
  }

  /** The revision of listing_facets: it changes with every write to them. */
  async facetRevision(): Promise<number> {
    const row = await this.db
      .selectFrom('market_revisions')
      .select('revision')
      .where('name', '=', 'facets')
      .executeTakeFirst();
    return Number(row?.revision ?? 0);
  }

  /** Every listing's facets, with the revision they were read at (one transaction). */
  allFacets(): Promise<{ revision: number; rows: Array<{ model_id: number; facet: string; value: string }> }> {
    return this.db.transaction().execute(async (tx) => {
      const row = await tx
        .selectFrom('market_revisions')
        .select('revision')
        .where('name', '=', 'facets')
        .executeTakeFirst();
      const rows = await tx.selectFrom('listing_facets').select(['model_id', 'facet', 'value']).execute();
      return { revision: Number(row?.revision ?? 0), rows };
    });
  }

  /** True when the like is new. */
  async like(modelId: number, userId: number): Promise<boolean> {
    const res = await this.db
      .insertInto('model_likes')
      .values({ model_id: modelId, user_id: userId, created_at: nowIso() })
      .onConflict((oc) => oc.columns(['model_id', 'user_id']).doNothing())
      .executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async unlike(modelId: number, userId: number): Promise<boolean> {
    const res = await this.db
      .deleteFrom('model_likes')
      .where('model_id', '=', modelId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }

  async likes(modelId: number, userId?: number): Promise<{ count: number; liked: boolean }> {
    const count = await this.db
      .selectFrom('model_likes')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('model_id', '=', modelId)
      .executeTakeFirst();
    const mine =
      userId === undefined
        ? undefined
        : await this.db
            .selectFrom('model_likes')
            .select('user_id')
            .where('model_id', '=', modelId)
            .where('user_id', '=', userId)
            .executeTakeFirst();
    return { count: Number(count?.n ?? 0), liked: mine !== undefined };
  }

  /** Likes per day since `sinceDay` (YYYY-MM-DD). */
  async likesByDay(modelId: number, sinceDay: string): Promise<Map<string, number>> {
    const rows = await this.db
      .selectFrom('model_likes')
      .select('created_at')
      .where('model_id', '=', modelId)
      .where('created_at', '>=', sinceDay)
      .execute();
    const byDay = new Map<string, number>();
    for (const r of rows) byDay.set(r.created_at.slice(0, 10), (byDay.get(r.created_at.slice(0, 10)) ?? 0) + 1);
    return byDay;
  }

  /** Adds counted usage, one upsert per model and day, in one transaction. */
  async addUsage(rows: Array<{ modelId: number; day: string; downloads: number; predictions: number }>): Promise<void> {
    if (rows.length === 0) return;
    await this.db.transaction().execute(async (tx) => {
      for (const r of rows) {
        await tx
          .insertInto('model_usage_daily')
          .values({ model_id: r.modelId, day: r.day, downloads: r.downloads, predictions: r.predictions })
          .onConflict((oc) =>
            oc.columns(['model_id', 'day']).doUpdateSet({
              downloads: sql`model_usage_daily.downloads + ${r.downloads}`,
              predictions: sql`model_usage_daily.predictions + ${r.predictions}`,
            }),
          )
          .execute()
          // A model deleted since the count: its usage goes with it.
          .catch((err: unknown) => {
            if (!/FOREIGN KEY/i.test(String(err))) throw err;
          });
      }
    });
  }

  /** Usage per day since `sinceDay`, oldest first, and all-time totals. */
  async usage(
    modelId: number,
    sinceDay: string,
  ): Promise<{
    days: Array<{ day: string; downloads: number; predictions: number }>;
    downloads: number;
    predictions: number;
  }> {
    const days = await this.db
      .selectFrom('model_usage_daily')
      .select(['day', 'downloads', 'predictions'])
      .where('model_id', '=', modelId)
      .where('day', '>=', sinceDay)
      .orderBy('day')
      .execute();
    const total = await this.db
      .selectFrom('model_usage_daily')
      .select((eb) => [eb.fn.sum<number>('downloads').as('d'), eb.fn.sum<number>('predictions').as('p')])
      .where('model_id', '=', modelId)
      .executeTakeFirst();
    return { days, downloads: Number(total?.d ?? 0), predictions: Number(total?.p ?? 0) };
  }

  /** Models with usage or likes since `sinceDay` (their trending score changes). */
  async activeSince(sinceDay: string): Promise<number[]> {
    const rows = await sql<{ id: number }>`
      SELECT model_id AS id FROM model_usage_daily WHERE day >= ${sinceDay}
      UNION SELECT model_id AS id FROM model_likes WHERE created_at >= ${sinceDay}
      UNION SELECT model_id AS id FROM listings WHERE trending > 0`.execute(this.db);
    return rows.rows.map((r) => Number(r.id));
  }

  async setListingStats(modelId: number, stats: { likes: number; downloads: number; trending: number }): Promise<void> {
    await this.db.updateTable('listings').set(stats).where('model_id', '=', modelId).execute();
  }
}

async function bumpFacetRevision(tx: Db): Promise<void> {
  await tx
    .updateTable('market_revisions')
    .set((eb) => ({ revision: eb('revision', '+', 1) }))
    .where('name', '=', 'facets')
    .execute();
}

async function writeFacets(tx: Db, modelId: number, fields: ListingFields): Promise<void> {
  await bumpFacetRevision(tx);
  await tx.deleteFrom('listing_facets').where('model_id', '=', modelId).execute();
  const facets = [
    { facet: 'task' as const, value: fields.task },
    { facet: 'owner' as const, value: fields.owner },
    ...(fields.license ? [{ facet: 'license' as const, value: fields.license }] : []),
    ...[...new Set(JSON.parse(fields.tags) as string[])].map((t) => ({ facet: 'tag' as const, value: t })),
  ];
  await tx
    .insertInto('listing_facets')
    .values(facets.map((f) => ({ model_id: modelId, ...f })))
    .execute();
}
