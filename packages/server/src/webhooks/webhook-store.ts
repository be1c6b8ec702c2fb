import type { Selectable } from 'kysely';
import { type Db, type Dialect, nowIso, skippingLocked } from '../store/database.js';
import type { WebhookDeliveriesTable, WebhooksTable } from '../store/schema.js';

export type WebhookRow = Selectable<WebhooksTable>;
export type DeliveryRow = Selectable<WebhookDeliveriesTable>;

/** Webhooks and their deliveries (the outbox): the only code that touches their tables. */
export class WebhookStore {
  constructor(
    private readonly db: Db,
    private readonly dialect: Dialect = 'sqlite',
  ) {}

  async insert(row: Omit<WebhooksTable, 'id' | 'created_at'>): Promise<number> {
    const r = await this.db
      .insertInto('webhooks')
      .values({ ...row, created_at: nowIso() })
      .returning('id')
      .executeTakeFirstOrThrow();
    return r.id;
  }

  get(id: number): Promise<WebhookRow | undefined> {
    return this.db.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirst();
  }

  ofOwners(ownerIds: number[]): Promise<WebhookRow[]> {
    if (ownerIds.length === 0) return Promise.resolve([]);
    return this.db.selectFrom('webhooks').selectAll().where('owner_id', 'in', ownerIds).orderBy('id').execute();
  }

  async delete(id: number): Promise<void> {
    await this.db.deleteFrom('webhooks').where('id', '=', id).execute();
  }

  /** Queues one delivery per webhook of the owner that listens to the event, in one transaction. */
  async enqueue(
    ownerId: number,
    event: string,
    payload: (hookId: number, deliveryId: number) => string,
  ): Promise<number> {
    return this.db.transaction().execute(async (tx) => {
      const hooks = await tx.selectFrom('webhooks').selectAll().where('owner_id', '=', ownerId).execute();
      let n = 0;
      for (const h of hooks) {
        if (!(JSON.parse(h.events) as string[]).includes(event)) continue;
        const now = nowIso();
        const row = await tx
          .insertInto('webhook_deliveries')
          .values({
            webhook_id: h.id,
            event,
            payload: '',
            state: 'pending',
            attempts: 0,
            next_at: now,
            created_at: now,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await tx
          .updateTable('webhook_deliveries')
          .set({ payload: payload(h.id, row.id) })
          .where('id', '=', row.id)
          .execute();
        n++;
      }
      return n;
    });
  }

  /**
   * Takes the deliveries due now, oldest first: each is pushed to `leaseUntil`, so no
   * other dispatcher (another node) sends it meanwhile; the attempt's outcome sets its
   * next time. A dispatcher that dies mid-send leaves it due again at `leaseUntil`.
   */
  claimDue(
    now: string,
    leaseUntil: string,
    limit: number,
  ): Promise<Array<DeliveryRow & { url: string; secret: string }>> {
    return this.db.transaction().execute(async (tx) => {
      const ids = await skippingLocked(
        tx
          .selectFrom('webhook_deliveries')
          .select('id')
          .where('state', '=', 'pending')
          .where('next_at', '<=', now)
          .orderBy('id')
          .limit(limit),
        this.dialect,
      ).execute();
      if (ids.length === 0) return [];
      const claimed = ids.map((r) => r.id);
      await tx.updateTable('webhook_deliveries').set({ next_at: leaseUntil }).where('id', 'in', claimed).execute();
      return tx
        .selectFrom('webhook_deliveries as d')
        .innerJoin('webhooks as w', 'w.id', 'd.webhook_id')
        .selectAll('d')
        .select(['w.url', 'w.secret'])
        .where('d.id', 'in', claimed)
        .orderBy('d.id')
        .execute();
    });
  }

  async attempted(
    id: number,
    result: { delivered: boolean; status: number | null; error: string | null; nextAt: string | null },
  ): Promise<void> {
    const now = nowIso();
    await this.db
      .updateTable('webhook_deliveries')
      .set((eb) => ({
        attempts: eb('attempts', '+', 1),
        last_status: result.status,
        last_error: result.error,
        ...(result.delivered
          ? { state: 'delivered', delivered_at: now }
          : result.nextAt
            ? { next_at: result.nextAt }
            : { state: 'failed' }),
      }))
      .where('id', '=', id)
      .execute();
  }

  deliveries(webhookId: number, limit: number): Promise<DeliveryRow[]> {
    return this.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('webhook_id', '=', webhookId)
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
  }

  delivery(webhookId: number, id: number): Promise<DeliveryRow | undefined> {
    return this.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('webhook_id', '=', webhookId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  /** Sends a delivery again: pending, due now (its log keeps the earlier attempts' count). */
  async replay(id: number): Promise<void> {
    await this.db
      .updateTable('webhook_deliveries')
      .set({ state: 'pending', next_at: nowIso(), delivered_at: null })
      .where('id', '=', id)
      .execute();
  }
}
