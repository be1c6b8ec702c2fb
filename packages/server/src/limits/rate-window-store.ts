import type { Db } from '../store/database.js';

export interface WindowCount {
  policy: string;
  key: string;
  windowStart: number;
  /** Calls to add (0 only reads). */
  add: number;
}

/** The rate_windows table: calls per (policy, key, window), added to by every node. */
export class RateWindowStore {
  constructor(private readonly db: Db) {}

  /** Adds each row's calls and answers the totals, in the rows' order. */
  async addAndRead(rows: WindowCount[]): Promise<number[]> {
    if (rows.length === 0) return [];
    const out = await this.db
      .insertInto('rate_windows')
      .values(rows.map((r) => ({ policy: r.policy, key: r.key, window_start: r.windowStart, count: r.add })))
      .onConflict((oc) =>
        oc
          .columns(['policy', 'key', 'window_start'])
          .doUpdateSet((eb) => ({ count: eb('rate_windows.count', '+', eb.ref('excluded.count')) })),
      )
      .returning(['policy', 'key', 'window_start', 'count'])
      .execute();
    const totals = new Map(out.map((r) => [`${r.policy}\u0000${r.key}\u0000${Number(r.window_start)}`, r.count]));
    return rows.map((r) => totals.get(`${r.policy}\u0000${r.key}\u0000${r.windowStart}`) ?? r.add);
  }

  /** Drops windows that ended before `before` (epoch ms). */
  async deleteBefore(before: number): Promise<void> {
    await this.db.deleteFrom('rate_windows').where('window_start', '<', before).execute();
  }
}
