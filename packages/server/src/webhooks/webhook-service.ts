import type { AuthService } from '../auth/auth-service.js';
import type { Principal } from '../auth/scopes.js';
import { Forbidden, NotFound } from '../errors.js';
import type { WebhookEvent } from './webhook-events.js';
import type { DeliveryRow, WebhookRow, WebhookStore } from './webhook-store.js';
import { checkTarget } from './webhook-target.js';

export interface WebhookView {
  id: number;
  owner: string;
  url: string;
  events: string[];
  /** The secret is never answered: only that there is one. */
  secretSet: true;
  createdAt: string;
}

export interface DeliveryView {
  id: number;
  event: string;
  state: 'pending' | 'delivered' | 'failed';
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  nextAt: string | null;
  createdAt: string;
  deliveredAt: string | null;
  payload: unknown;
}

/**
 * Webhooks: an owner's (a user's, or an organisation's, made by its admins) URLs that
 * receive signed events. Emitting an event writes its deliveries to the outbox; the
 * dispatcher sends them.
 */
export class WebhookService {
  constructor(
    private readonly store: WebhookStore,
    private readonly auth: AuthService,
    private readonly allowPrivate: boolean,
    private readonly wake: () => void,
  ) {}

  async create(
    caller: Principal,
    input: { owner: string; url: string; events: WebhookEvent[]; secret: string },
  ): Promise<WebhookView> {
    const owner = await this.owned(caller, input.owner);
    await checkTarget(input.url, this.allowPrivate);
    const id = await this.store.insert({
      owner_id: owner.id,
      url: input.url,
      events: JSON.stringify([...new Set(input.events)]),
      secret: input.secret,
      created_by: caller.userId,
    });
    return this.get(caller, id);
  }

  /** The caller's webhooks and those of the organisations they administer. */
  async list(caller: Principal): Promise<WebhookView[]> {
    const ids = [caller.userId, ...[...(caller.orgs ?? [])].filter(([, r]) => r === 'admin').map(([id]) => id)];
    const rows = await this.store.ofOwners(ids);
    return Promise.all(rows.map((r) => this.toView(r)));
  }

  async get(caller: Principal, id: number): Promise<WebhookView> {
    return this.toView(await this.mine(caller, id));
  }

  async delete(caller: Principal, id: number): Promise<void> {
    await this.store.delete((await this.mine(caller, id)).id);
  }

  async deliveries(caller: Principal, id: number, limit = 50): Promise<DeliveryView[]> {
    const hook = await this.mine(caller, id);
    return (await this.store.deliveries(hook.id, limit)).map(toDelivery);
  }

  async replay(caller: Principal, id: number, deliveryId: number): Promise<DeliveryView> {
    const hook = await this.mine(caller, id);
    const d = await this.store.delivery(hook.id, deliveryId);
    if (!d) throw new NotFound(`webhook ${id} has no delivery ${deliveryId}`);
    await this.store.replay(d.id);
    this.wake();
    return toDelivery((await this.store.delivery(hook.id, deliveryId)) as DeliveryRow);
  }

  /** Queues an event for the owner's webhooks that listen to it (durably, before anything is sent). */
  async emit(ownerName: string, event: WebhookEvent, data: Record<string, unknown>): Promise<void> {
    const owner = await this.auth.owner(ownerName);
    if (!owner) return;
    const at = new Date().toISOString();
    const n = await this.store.enqueue(owner.id, event, (hook, delivery) =>
      JSON.stringify({ event, delivery, webhook: hook, at, data }),
    );
    if (n > 0) this.wake();
  }

  private async owned(caller: Principal, ownerName: string): Promise<{ id: number }> {
    const owner = await this.auth.owner(ownerName);
    if (!owner) throw new NotFound(`no owner "${ownerName}"`);
    const mayManage =
      !modelLimited(caller) && (caller.isAdmin || owner.id === caller.userId || caller.orgs?.get(owner.id) === 'admin');
    if (!mayManage) throw new Forbidden(`only ${ownerName} (or its admins) manage its webhooks`);
    return owner;
  }

  private async mine(caller: Principal, id: number): Promise<WebhookRow> {
    const hook = await this.store.get(id);
    const mayManage =
      hook &&
      !modelLimited(caller) &&
      (caller.isAdmin || hook.owner_id === caller.userId || caller.orgs?.get(hook.owner_id) === 'admin');
    if (!hook || !mayManage) throw new NotFound(`no webhook ${id}`);
    return hook;
  }

  private async toView(r: WebhookRow): Promise<WebhookView> {
    const owner = await this.auth.ownerName(r.owner_id);
    return {
      id: r.id,
      owner: owner ?? '(deleted)',
      url: r.url,
      events: JSON.parse(r.events) as string[],
      secretSet: true,
      createdAt: r.created_at,
    };
  }
}

function toDelivery(d: DeliveryRow): DeliveryView {
  return {
    id: d.id,
    event: d.event,
    state: d.state as DeliveryView['state'],
    attempts: d.attempts,
    lastStatus: d.last_status,
    lastError: d.last_error,
    nextAt: d.state === 'pending' ? d.next_at : null,
    createdAt: d.created_at,
    deliveredAt: d.delivered_at,
    payload: JSON.parse(d.payload),
  };
}

/** A token limited to one model manages no webhooks. */
function modelLimited(caller: Principal): boolean {
  return caller.limit !== undefined && 'modelId' in caller.limit;
}
