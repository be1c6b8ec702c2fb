import Fastify, { type FastifyInstance } from 'fastify';

/**
 * A worker's HTTP surface: the liveness and readiness probes that an orchestrator asks
 * for, and nothing else (a worker answers no API calls).
 */
export function buildProbeApp(opts: {
  logLevel: string;
  isReady: () => boolean;
  runningJobs: () => number;
}): FastifyInstance {
  const app = Fastify({ logger: { level: opts.logLevel } });
  app.get('/healthz', async () => ({ status: 'ok', role: 'worker', runningJobs: opts.runningJobs() }));
  app.get('/readyz', async (_req, reply) => {
    const ready = opts.isReady();
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'draining' });
  });
  return app;
}
