import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RatePolicy } from './rate-limiter.js';
import type { RateWindowStore, WindowCount } from './rate-window-store.js';
import { SharedRateLimiter } from './shared-rate-limiter.js';

/** rate_windows as PostgreSQL keeps it, answering after `delayMs` like a busy database. */
class SlowWindowStore {
  readonly counts = new Map<string, number>();
  constructor(private readonly delayMs: number) {}

  async addAndRead(rows: WindowCount[]): Promise<number[]> {
    await sleep(this.delayMs);
    return rows.map((r) => {
      const id = `${r.policy}\u0000${r.key}\u0000${r.windowStart}`;
      const total = (this.counts.get(id) ?? 0) + r.add;
      this.counts.set(id, total);
      return total;
    });
  }

  async deleteBefore(): Promise<void> {}
}

// Ten-day windows, so that no run crosses into the next one (the limiter forgets windows
// that ended by the clock).
const policy: RatePolicy = { name: 'api', limit: 1200, windowSeconds: 864_000 };
const now = Date.now();

/** One node's callers, one call a millisecond: how many were allowed. */
async function calls(limiter: SharedRateLimiter, count: number): Promise<number> {
  let allowed = 0;
  for (let i = 0; i < count; i++) {
    if ((await limiter.take('token:1', policy, now)).allowed) allowed++;
    await sleep(1);
  }
  return allowed;
}

describe('SharedRateLimiter: one limit over every node', () => {
  for (const delayMs of [2, 40]) {
    test(`two nodes never pass the limit together (database answering in ${delayMs} ms)`, async () => {
      const store = new SlowWindowStore(delayMs);
      const nodes = [0, 1].map(() => new SharedRateLimiter(store as unknown as RateWindowStore, 250));
      const [a, b] = await Promise.all(nodes.map((n) => calls(n, 700)));
      const allowed = (a as number) + (b as number);
      assert.ok(allowed <= policy.limit, `${allowed} allowed`);
      // What a node reserved and did not use when its callers stopped is all that is missing.
      assert.ok(allowed >= policy.limit - 4, `${allowed} allowed`);
      await Promise.all(nodes.map((n) => n.close()));
      assert.equal([...store.counts.values()][0], allowed);
    });
  }

  test('a lone node is held back by what the others took before it looked', async () => {
    const store = new SlowWindowStore(5);
    const other = new SharedRateLimiter(store as unknown as RateWindowStore, 250);
    assert.equal(await calls(other, 1000), 1000);
    await other.close();
    const late = new SharedRateLimiter(store as unknown as RateWindowStore, 250);
    assert.equal(await calls(late, 400), 200);
  });

  test('a node idle for a second gives back what it reserved and did not use', async () => {
    const store = new SlowWindowStore(2);
    const node = new SharedRateLimiter(store as unknown as RateWindowStore, 50);
    node.start();
    assert.equal(await calls(node, 10), 10);
    const held = [...store.counts.values()][0] as number;
    assert.ok(held > 10, `reserved ${held}`);
    await sleep(1_400);
    assert.equal([...store.counts.values()][0], 10);
    await node.close();
  });

  test('without the database a node counts alone, to the limit', async () => {
    const down = {
      addAndRead: async () => {
        throw new Error('connection refused');
      },
      deleteBefore: async () => {},
    };
    const logged: string[] = [];
    const node = new SharedRateLimiter(down as unknown as RateWindowStore, 250, (msg) => logged.push(msg));
    const small: RatePolicy = { ...policy, limit: 20 };
    let allowed = 0;
    for (let i = 0; i < 30; i++) if ((await node.take('token:1', small, now)).allowed) allowed++;
    assert.equal(allowed, 20);
    assert.ok(logged.length > 0);
  });
});
