import type { FastifyInstance } from 'fastify';
import type { Metrics } from './metrics.js';

/** Liveness, readiness and Prometheus metrics. */
export async function opsRoutes(
  app: FastifyInstance,
  opts: {
    metrics: Metrics;
    isReady: () => boolean;
    processes?: { index: number; count: number };
    /** Every serving process's metrics, summed (serve --workers); else this registry's. */
    metricsText?: () => Promise<string>;
  },
) {
  const text = opts.metricsText ?? (() => opts.metrics.registry.metrics());
  // Under `serve --workers`, which process answered (1-based), to see the ports shared.
  const worker = opts.processes && opts.processes.count > 1 ? { worker: opts.processes.index + 1 } : {};
  app.get('/healthz', { config: { scope: 'public' }, schema: { hide: true } }, async () => ({
    status: 'ok',
    ...worker,
  }));
  app.get('/readyz', { config: { scope: 'public' }, schema: { hide: true } }, async (_req, reply) => {
    const ready = opts.isReady();
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'draining' });
  });
  // Model names are in the labels, private ones included: admins only.
  app.get('/metrics', { config: { scope: 'admin' }, schema: { hide: true } }, async (_req, reply) =>
    reply.type(opts.metrics.registry.contentType).send(await text()),
  );
}
