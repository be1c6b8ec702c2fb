import type { AuthService } from '../auth/auth-service.js';
import type { Principal } from '../auth/scopes.js';
import { Forbidden, Invalid, NotFound } from '../errors.js';
import { nowIso } from '../store/database.js';
import type { AuditQuery, AuditRow, AuditStore } from './audit-store.js';

/** One write call as the log keeps it. */
export interface AuditEntry {
  id: number;
  at: string;
  actor: string | null;
  token: string | null;
  address: string;
  method: string;
  route: string;
  path: string;
  status: number;
  requestId: string;
}

/** What the API layer knows of a finished write call. */
export interface AuditRecord {
  caller: Principal | undefined;
  address: string;
  method: string;
  route: string;
  path: string;
  /** The owner (user or organisation) the call was about, by name, when it names one. */
  ownerName?: string;
  status: number;
  requestId: string;
}

export interface AuditFilter {
  actor?: string;
  resource?: string;
  since?: string;
  until?: string;
  before?: number;
  limit?: number;
}

/**
 * The audit log: every write call (who, which token, from which address, what, when, the
 * answer) is appended after it is answered; nothing ever changes or removes a record.
 * Users read their own calls; an organisation's admins read every call about it.
 */
export class AuditService {
  constructor(
    private readonly store: AuditStore,
    private readonly auth: AuthService,
  ) {}

  async record(r: AuditRecord): Promise<void> {
    const owner = r.ownerName ? await this.auth.owner(r.ownerName) : undefined;
    await this.store.append({
      at: nowIso(),
      actor_id: r.caller?.userId ?? null,
      actor: r.caller?.username ?? null,
      token_id: r.caller?.tokenId ?? null,
      address: r.address,
      method: r.method,
      route: r.route,
      path: r.path,
      owner_id: owner?.id ?? null,
      status: r.status,
      request_id: r.requestId,
    });
  }

  async mine(caller: Principal, filter: AuditFilter): Promise<AuditEntry[]> {
    return (await this.store.list({ ...query(filter), actorId: caller.userId })).map(toEntry);
  }

  async forOrg(caller: Principal, orgName: string, filter: AuditFilter): Promise<AuditEntry[]> {
    const org = await this.auth.owner(orgName);
    if (!org || org.kind !== 'org') throw new NotFound(`no organisation ${orgName}`);
    const modelLimited = caller.limit !== undefined && 'modelId' in caller.limit;
    if (modelLimited || (!caller.isAdmin && caller.orgs?.get(org.id) !== 'admin')) {
      throw new Forbidden(`only the admins of ${orgName} read its audit log`);
    }
    return (await this.store.list({ ...query(filter), ownerId: org.id })).map(toEntry);
  }
}

function query(f: AuditFilter): AuditQuery {
  for (const [name, value] of [
    ['since', f.since],
    ['until', f.until],
  ] as const) {
    if (value !== undefined && Number.isNaN(Date.parse(value))) {
      throw new Invalid(`${name} must be a date or time, e.g. 2026-12-01 or 2026-12-01T12:00:00Z`);
    }
  }
  return {
    limit: f.limit ?? 100,
    ...(f.actor !== undefined && { actor: f.actor }),
    ...(f.resource !== undefined && { pathPrefix: `/api/v1/${f.resource.replace(/^\/+/, '')}` }),
    ...(f.since !== undefined && { since: new Date(f.since).toISOString() }),
    ...(f.until !== undefined && { until: new Date(f.until).toISOString() }),
    ...(f.before !== undefined && { before: f.before }),
  };
}

function toEntry(r: AuditRow): AuditEntry {
  return {
    id: r.id,
    at: r.at,
    actor: r.actor,
    token: r.token_id,
    address: r.address,
    method: r.method,
    route: r.route,
    path: r.path,
    status: r.status,
    requestId: r.request_id,
  };
}
