import type { RateDecision, RateLimiter, RatePolicy } from './rate-limiter.js';
import type { RateWindowStore } from './rate-window-store.js';

interface Window {
  policy: RatePolicy;
  key: string;
  start: number;
  windowMs: number;
  /** Calls reserved in the shared counter by every node, as the store last said. */
  reserved: number;
  /** Calls this node reserved and has not taken yet. */
  granted: number;
  /** The size of this node's last reservation (the next one is asked for at half of it). */
  lastGrant: number;
  asking: Promise<void> | undefined;
  lastUse: number;
}

/** A reservation is an eighth of what is left: a busy node asks rarely, an idle one holds little. */
const SHARE = 8;
/** Unused reservations go back to the shared counter after this long without a call. */
const IDLE_MS = 1000;

/**
 * Fixed windows counted by every node of a cluster, exactly: a node takes calls only
 * from reservations it made in the shared counter (`rate_windows`), each an eighth of
 * what was left, so the nodes together never pass a limit. A busy node asks for the next
 * reservation when half of the last is used, so its calls do not wait; the first call of
 * a key in a window waits for one round trip to the database. A node idle for a second
 * gives back what it did not use. When the database does not answer, a node goes on
 * counting alone rather than refusing every call.
 */
export class SharedRateLimiter implements RateLimiter {
  private windows = new Map<string, Window>();
  private timer: NodeJS.Timeout | undefined;
  private lastSweep = 0;

  constructor(
    private readonly store: RateWindowStore,
    private readonly syncMs = 250,
    private readonly log: (msg: string, fields?: Record<string, unknown>) => void = () => {},
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.tidy(), this.syncMs);
    this.timer.unref();
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.tidy(0);
  }

  take(key: string, policy: RatePolicy, now = Date.now()): RateDecision | Promise<RateDecision> {
    const windowMs = policy.windowSeconds * 1000;
    const start = now - (now % windowMs);
    const id = `${policy.name}\u0000${key}`;
    let w = this.windows.get(id);
    if (!w || w.start !== start) {
      w = { policy, key, start, windowMs, reserved: 0, granted: 0, lastGrant: 0, asking: undefined, lastUse: now };
      this.windows.set(id, w);
    }
    w.lastUse = now;
    if (w.granted > 0 || w.reserved >= policy.limit) return this.decide(w, now);
    // Calls that arrived while a reservation was on its way may find it used up: one more.
    const again = () => (w.granted > 0 || w.reserved >= policy.limit ? undefined : this.ask(w));
    return this.ask(w)
      .then(again)
      .then(() => this.decide(w, now));
  }

  private decide(w: Window, now: number): RateDecision {
    const allowed = w.granted > 0;
    if (allowed) w.granted--;
    if (w.granted * 2 < w.lastGrant && w.reserved < w.policy.limit) void this.ask(w);
    return {
      policy: w.policy,
      allowed,
      remaining: Math.max(0, w.policy.limit - w.reserved + w.granted),
      resetSeconds: Math.max(1, Math.ceil((w.start + w.windowMs - now) / 1000)),
    };
  }

  /** Reserves the next share of what is left (one request at a time per window). */
  private ask(w: Window): Promise<void> {
    w.asking ??= this.reserve(w).finally(() => {
      w.asking = undefined;
    });
    return w.asking;
  }

  private async reserve(w: Window): Promise<void> {
    const { limit } = w.policy;
    const want = Math.max(1, Math.ceil((limit - w.reserved) / SHARE));
    const row = { policy: w.policy.name, key: w.key, windowStart: w.start };
    let total: number;
    try {
      // Adding first and giving back what did not fit keeps this one statement in the
      // common case; another node that reads the count in between is only told less.
      total = (await this.store.addAndRead([{ ...row, add: want }]))[0] as number;
    } catch (err) {
      this.log('rate limit counters not shared; counting on this node alone', { err: String(err) });
      w.reserved = Math.min(limit, w.reserved + want);
      w.granted += want;
      w.lastGrant = want;
      return;
    }
    const before = total - want;
    const got = Math.max(0, Math.min(want, limit - before));
    w.reserved = before + got;
    w.granted += got;
    w.lastGrant = got;
    if (got < want) {
      // Not given back, the counter only says more than was taken: the limit still holds.
      await this.store
        .addAndRead([{ ...row, add: got - want }])
        .catch((err: unknown) => this.log('rate limit reservation not given back', { err: String(err) }));
    }
  }

  /**
   * Gives back what ended and idle windows hold and forgets them (a later call asks
   * again), reads again the windows in use that this node found full (the others may have
   * given some back), and now and then sweeps the table.
   */
  private async tidy(idleMs = IDLE_MS): Promise<void> {
    const now = Date.now();
    const rows: { w: Window; add: number }[] = [];
    for (const [id, w] of this.windows) {
      if (w.asking) continue;
      if (w.start + w.windowMs <= now || now - w.lastUse >= idleMs) {
        if (w.granted > 0) rows.push({ w, add: -w.granted });
        w.granted = 0;
        this.windows.delete(id);
      } else if (w.granted === 0 && w.reserved >= w.policy.limit) rows.push({ w, add: 0 });
    }
    try {
      if (rows.length > 0) {
        const totals = await this.store.addAndRead(
          rows.map(({ w, add }) => ({ policy: w.policy.name, key: w.key, windowStart: w.start, add })),
        );
        rows.forEach(({ w }, i) => {
          w.reserved = totals[i] as number;
        });
      }
      if (now - this.lastSweep > 600_000) {
        this.lastSweep = now;
        await this.store.deleteBefore(now - 3_600_000);
      }
    } catch (err) {
      this.log('rate limit counters not shared', { err: String(err) });
    }
  }
}
