import { TooManyRequests } from '../errors.js';

/** Failures allowed before each further attempt must wait. */
const FREE_FAILURES = 3;
/** Failures after which the account (or address) is locked for LOCK_MS. */
const LOCK_AFTER = 10;
const LOCK_MS = 15 * 60_000;
/** Failures older than this are forgotten. */
const MEMORY_MS = 15 * 60_000;

interface Failures {
  count: number;
  last: number;
}

/**
 * Repeated failed sign-ins, per account and per address: after three, each further
 * attempt must wait twice as long as the one before (1 s, 2 s, 4 s …); after ten, the
 * account (or the address) is locked for fifteen minutes, right password or not. A
 * success clears the account's count. Counted in this process's memory (the cluster mode
 * will keep them beside the rate limits' counters).
 */
export class SignInThrottle {
  private failures = new Map<string, Failures>();

  /** Throws TooManyRequests when this attempt must wait (or the key is locked). */
  check(username: string, address: string, now = Date.now()): void {
    for (const key of [`user:${username}`, `address:${address}`]) {
      const f = this.current(key, now);
      if (!f) continue;
      const wait = waitMs(f, now);
      if (wait > 0) {
        const seconds = Math.ceil(wait / 1000);
        const locked = f.count >= LOCK_AFTER;
        throw new TooManyRequests(
          locked
            ? `too many failed sign-ins: ${key.startsWith('user:') ? 'this account' : 'this address'} is locked for ${seconds} s`
            : `too many failed sign-ins: try again in ${seconds} s`,
          seconds,
          {},
        );
      }
    }
  }

  failed(username: string, address: string, now = Date.now()): void {
    for (const key of [`user:${username}`, `address:${address}`]) {
      const f = this.current(key, now) ?? { count: 0, last: now };
      this.failures.set(key, { count: f.count + 1, last: now });
    }
    if (this.failures.size > 100_000) this.forgetOld(now);
  }

  succeeded(username: string): void {
    this.failures.delete(`user:${username}`);
  }

  private current(key: string, now: number): Failures | undefined {
    const f = this.failures.get(key);
    if (f && now - f.last > Math.max(MEMORY_MS, waitMs(f, f.last))) {
      this.failures.delete(key);
      return undefined;
    }
    return f;
  }

  private forgetOld(now: number): void {
    for (const key of [...this.failures.keys()]) this.current(key, now);
  }
}

function waitMs(f: Failures, now: number): number {
  if (f.count >= LOCK_AFTER) return f.last + LOCK_MS - now;
  if (f.count < FREE_FAILURES) return 0;
  return f.last + 1000 * 2 ** (f.count - FREE_FAILURES) - now;
}
