import { ENGINE_VERSION } from '@marquee/engine';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { InferenceService } from '../../serving/inference-service.js';

export const OIP_EXTENSIONS = ['binary_tensor_data'];

interface ModelParams {
  model: string;
  version?: string;
}

/**
 * Open Inference Protocol v2 over REST: health, server and model metadata, readiness.
 * `infer` is served by OipInferEndpoint, in front of Fastify.
 */
export async function oipRestRoutes(
  app: FastifyInstance,
  opts: { inference: InferenceService; isReady: () => boolean },
): Promise<void> {
  const { inference } = opts;
  app.get('/v2/health/live', { config: { scope: 'public' } }, async () => ({ live: true }));
  app.get('/v2/health/ready', { config: { scope: 'public' } }, async (_req, reply) => {
    const ready = opts.isReady();
    return reply.code(ready ? 200 : 503).send({ ready });
  });
  app.get('/v2', { config: { scope: 'any' } }, async () => ({
    name: 'marquee',
    version: ENGINE_VERSION,
    extensions: OIP_EXTENSIONS,
  }));

  const metadata = async (req: FastifyRequest<{ Params: ModelParams }>) =>
    inference.metadata(need(req), req.params.model, req.params.version);
  app.get('/v2/models/:model', { config: { scope: 'any' } }, metadata);
  app.get('/v2/models/:model/versions/:version', { config: { scope: 'any' } }, metadata);

  const ready = async (req: FastifyRequest<{ Params: ModelParams }>, reply: import('fastify').FastifyReply) => {
    const ok = await inference.ready(need(req), req.params.model, req.params.version);
    return reply.code(ok ? 200 : 400).send({ name: req.params.model, ready: ok });
  };
  app.get('/v2/models/:model/ready', { config: { scope: 'any' } }, ready);
  app.get('/v2/models/:model/versions/:version/ready', { config: { scope: 'any' } }, ready);
}

function need(req: FastifyRequest) {
  if (!req.principal) throw new Error('route reached without authentication');
  return req.principal;
}
