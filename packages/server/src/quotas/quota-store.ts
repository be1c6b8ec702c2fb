import { type Db, nowIso } from '../store/database.js';

export interface QuotaOverride {
  storageBytes: number | null;
  concurrentJobs: number | null;
}

/** Per-owner quota overrides: the only code that touches owner_quotas. */
export class QuotaStore {
  constructor(private readonly db: Db) {}

  async get(ownerId: number): Promise<QuotaOverride> {
    const row = await this.db.selectFrom('owner_quotas').selectAll().where('owner_id', '=', ownerId).executeTakeFirst();
    return { storageBytes: row?.storage_bytes ?? null, concurrentJobs: row?.concurrent_jobs ?? null };
  }

  async put(ownerId: number, q: QuotaOverride): Promise<void> {
    const values = { storage_bytes: q.storageBytes, concurrent_jobs: q.concurrentJobs, updated_at: nowIso() };
    await this.db
      .insertInto('owner_quotas')
      .values({ owner_id: ownerId, ...values })
      .onConflict((oc) => oc.column('owner_id').doUpdateSet(values))
      .execute();
  }
}
