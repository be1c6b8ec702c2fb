import type { AuthService, CachedPrincipals } from './auth/auth-service.js';
import type { RegistryService } from './registry/registry-service.js';
import type { RuntimeCache } from './serving/runtime-cache.js';
import { type ClusterBus, RECONNECTED } from './store/cluster-bus/cluster-bus.js';

/**
 * Keeps the caches of every process in a cluster honest: what one node changes (a
 * revoked token, a user's memberships, a model's versions, aliases or rollouts) is
 * dropped from the others' caches through the bus, so it counts everywhere at the next
 * request rather than when a cache entry expires. After a lost bus connection, when
 * messages may have been missed, a node drops what it cached.
 */
export function shareCacheInvalidation(
  bus: ClusterBus,
  auth: AuthService,
  registry: RegistryService,
  runtimes: RuntimeCache,
  log: (msg: string, fields?: Record<string, unknown>) => void,
): void {
  if (!bus.shared) return;
  const send = (topic: string, payload: unknown) =>
    bus.publish(topic, payload).catch((err) => log('cache invalidation not sent', { topic, err: String(err) }));
  auth.useBroadcast((what) => void send('auth.forget', what));
  registry.onChange((fullName, removed) => send('model.changed', { fullName, removed }));
  bus.subscribe('auth.forget', (p) => auth.forgetCached(p as CachedPrincipals));
  bus.subscribe('model.changed', (p) => {
    const { fullName, removed } = p as { fullName: string; removed: number[] };
    registry.forgetCached(fullName);
    for (const id of removed) runtimes.evictVersion(id);
  });
  bus.subscribe(RECONNECTED, () => {
    auth.forgetAllCached();
    registry.forgetAllCached();
  });
}
