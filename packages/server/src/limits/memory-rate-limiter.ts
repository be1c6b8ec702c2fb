import type { RateDecision, RateLimiter, RatePolicy } from './rate-limiter.js';

const SWEEP_AT = 50_000;

/** Fixed windows per key, in this process's memory: a map update per call. */
export class MemoryRateLimiter implements RateLimiter {
  private windows = new Map<string, { start: number; count: number }>();

  take(key: string, policy: RatePolicy, now = Date.now()): RateDecision {
    const windowMs = policy.windowSeconds * 1000;
    const start = now - (now % windowMs);
    const id = `${policy.name}\u0000${key}`;
    let w = this.windows.get(id);
    if (!w || w.start !== start) {
      if (this.windows.size >= SWEEP_AT) this.sweep(now, windowMs);
      w = { start, count: 0 };
      this.windows.set(id, w);
    }
    const allowed = w.count < policy.limit;
    if (allowed) w.count++;
    return {
      policy,
      allowed,
      remaining: Math.max(0, policy.limit - w.count),
      resetSeconds: Math.max(1, Math.ceil((start + windowMs - now) / 1000)),
    };
  }

  private sweep(now: number, windowMs: number): void {
    for (const [id, w] of this.windows) if (w.start + windowMs <= now) this.windows.delete(id);
  }
}
