/** A limit on calls per window, by name (`api`, `predict`). */
export interface RatePolicy {
  name: string;
  /** Calls allowed per window. */
  limit: number;
  windowSeconds: number;
}

export interface RateDecision {
  policy: RatePolicy;
  allowed: boolean;
  /** Calls left in this window. */
  remaining: number;
  /** Seconds until the window resets. */
  resetSeconds: number;
}

/**
 * Counts calls per key (a token, or an address for anonymous calls) in fixed windows.
 * The embedded mode keeps the counts in memory (MemoryRateLimiter); the cluster mode adds
 * every node's counts to shared counters in PostgreSQL (SharedRateLimiter).
 */
export interface RateLimiter {
  /** A promise only when the decision needs to hear from other nodes first (near the limit). */
  take(key: string, policy: RatePolicy, now?: number): RateDecision | Promise<RateDecision>;
}

/** The `RateLimit-Policy` and `RateLimit` header values (IETF draft, as the Hugging Face Hub sends them). */
export function rateLimitHeaders(d: RateDecision): Record<string, string> {
  return {
    'ratelimit-policy': `"${d.policy.name}";q=${d.policy.limit};w=${d.policy.windowSeconds}`,
    ratelimit: `"${d.policy.name}";r=${d.remaining};t=${d.resetSeconds}`,
  };
}
