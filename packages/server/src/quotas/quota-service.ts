import type { AuthService } from '../auth/auth-service.js';
import type { Principal } from '../auth/scopes.js';
import { NotFound, PayloadTooLarge, TooManyRequests } from '../errors.js';
import type { QuotaStore } from './quota-store.js';

/** What counts against an owner's quotas; each domain answers for its own tables. */
export interface QuotaUsage {
  /** Bytes of the owner's model and dataset versions (a blob shared by two versions counts twice). */
  storedBytes(ownerId: number): Promise<number>;
  /** Jobs queued or running whose output the owner holds. */
  activeJobs(ownerId: number): Promise<number>;
}

export interface QuotaView {
  owner: string;
  storage: { usedBytes: number; limitBytes: number | null };
  jobs: { active: number; limit: number | null };
}

/**
 * Quotas per owner (a user or an organisation): the bytes of model and dataset versions
 * it holds, and the jobs queued or running for it at once. The server's defaults apply
 * unless an administrator set the owner's own; 0 is no limit.
 */
export class QuotaService {
  private usage: QuotaUsage = { storedBytes: async () => 0, activeJobs: async () => 0 };

  constructor(
    private readonly store: QuotaStore,
    private readonly auth: AuthService,
    private readonly defaults: { storageBytes: number; concurrentJobs: number },
  ) {}

  /** Wired after the domains that measure usage exist. */
  measureWith(usage: QuotaUsage): void {
    this.usage = usage;
  }

  /** Throws PayloadTooLarge when adding `bytes` would take the owner over its storage quota. */
  async checkStorage(ownerId: number, bytes: number): Promise<void> {
    const limit = (await this.limits(ownerId)).storageBytes;
    if (!limit) return;
    const used = await this.usage.storedBytes(ownerId);
    if (used + bytes > limit) {
      const name = (await this.auth.ownerName(ownerId)) ?? 'this owner';
      throw new PayloadTooLarge(
        `storage quota: ${name} holds ${used} of ${limit} bytes; this adds ${bytes} (delete versions, or ask an administrator for more)`,
      );
    }
  }

  /** Throws TooManyRequests when the owner has as many jobs queued or running as it may. */
  async checkJobs(ownerId: number): Promise<void> {
    const limit = (await this.limits(ownerId)).concurrentJobs;
    if (!limit) return;
    const active = await this.usage.activeJobs(ownerId);
    if (active >= limit) {
      const name = (await this.auth.ownerName(ownerId)) ?? 'this owner';
      throw new TooManyRequests(
        `job quota: ${name} has ${active} jobs queued or running, the most it may; submit again when one ends`,
        30,
        {},
      );
    }
  }

  /** An owner's quotas and usage: for the owner, the org's members, and administrators. */
  async view(caller: Principal, ownerName: string): Promise<QuotaView> {
    const owner = await this.auth.owner(ownerName);
    const allowed =
      owner &&
      !(caller.limit && 'modelId' in caller.limit) &&
      (caller.isAdmin || owner.id === caller.userId || caller.orgs?.has(owner.id));
    if (!owner || !allowed) throw new NotFound(`no quotas for ${ownerName}`);
    const limits = await this.limits(owner.id);
    return {
      owner: ownerName,
      storage: { usedBytes: await this.usage.storedBytes(owner.id), limitBytes: limits.storageBytes || null },
      jobs: { active: await this.usage.activeJobs(owner.id), limit: limits.concurrentJobs || null },
    };
  }

  /** Sets an owner's quotas (administrators); null returns to the server's default. */
  async set(
    caller: Principal,
    ownerName: string,
    q: { storageBytes?: number | null; concurrentJobs?: number | null },
  ): Promise<QuotaView> {
    if (!caller.isAdmin) throw new NotFound(`no quotas for ${ownerName}`);
    const owner = await this.auth.owner(ownerName);
    if (!owner) throw new NotFound(`no owner ${ownerName}`);
    const now = await this.store.get(owner.id);
    await this.store.put(owner.id, {
      storageBytes: q.storageBytes === undefined ? now.storageBytes : q.storageBytes,
      concurrentJobs: q.concurrentJobs === undefined ? now.concurrentJobs : q.concurrentJobs,
    });
    return this.view(caller, ownerName);
  }

  private async limits(ownerId: number): Promise<{ storageBytes: number; concurrentJobs: number }> {
    const o = await this.store.get(ownerId);
    return {
      storageBytes: o.storageBytes ?? this.defaults.storageBytes,
      concurrentJobs: o.concurrentJobs ?? this.defaults.concurrentJobs,
    };
  }
}
