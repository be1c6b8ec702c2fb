import type { Principal } from '../auth/scopes.js';
import { TooManyRequests } from '../errors.js';
import { type RateDecision, type RateLimiter, type RatePolicy, rateLimitHeaders } from './rate-limiter.js';

export type CallKind = 'api' | 'predict';

/**
 * The platform's rate limits: per token (per address for anonymous calls), one budget
 * for predictions over every protocol and one for the rest of the API. A limit of 0 is
 * no limit.
 */
export class RateLimits {
  private readonly policies: Record<CallKind, RatePolicy | undefined>;

  constructor(
    private readonly limiter: RateLimiter,
    perMinute: { api: number; predict: number },
  ) {
    const policy = (name: CallKind, limit: number) => (limit > 0 ? { name, limit, windowSeconds: 60 } : undefined);
    this.policies = { api: policy('api', perMinute.api), predict: policy('predict', perMinute.predict) };
  }

  /**
   * Counts the call; throws (or rejects with) TooManyRequests over the limit. Null when
   * the kind is not limited; a promise only when the limiter has to ask the other nodes.
   */
  check(kind: CallKind, caller: Principal | undefined, address: string): RateDecision | null | Promise<RateDecision> {
    const policy = this.policies[kind];
    if (!policy) return null;
    const key = caller ? `token:${caller.tokenId}` : `address:${address}`;
    const d = this.limiter.take(key, policy);
    return d instanceof Promise ? d.then((later) => this.enforce(kind, caller, later)) : this.enforce(kind, caller, d);
  }

  private enforce(kind: CallKind, caller: Principal | undefined, d: RateDecision): RateDecision {
    if (!d.allowed) {
      const { policy } = d;
      throw new TooManyRequests(
        `rate limit: ${policy.limit} ${kind === 'predict' ? 'predictions' : 'API calls'} a minute per ${caller ? 'token' : 'address'}; try again in ${d.resetSeconds} s`,
        d.resetSeconds,
        rateLimitHeaders(d),
      );
    }
    return d;
  }
}
