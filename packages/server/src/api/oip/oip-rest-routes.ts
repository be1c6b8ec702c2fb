import { ENGINE_VERSION } from '@marquee/engine';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { InferenceService } from '../../serving/inference-service.js';
import { decodeRestInfer, encodeRestInfer, HEADER_LENGTH } from './rest-infer-codec.js';

export const OIP_EXTENSIONS = ['binary_tensor_data'];

interface ModelParams {
  model: string;
  version?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Model and version a request resolved to, for metrics labels. */
    modelLabel?: { model: string; version: string };
  }
}

/**
 * Open Inference Protocol v2 over REST. The infer route takes the raw body (JSON or JSON
 * followed by binary tensors) and decodes it itself, so this plugin replaces the
 * content-type parsers of its scope with one that hands over bytes.
 */
export async function oipRestRoutes(
  app: FastifyInstance,
  opts: { inference: InferenceService; isReady: () => boolean; maxInferBytes: number },
): Promise<void> {
  const { inference } = opts;
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: opts.maxInferBytes }, (_req, body, done) =>
    done(null, body),
  );

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

  const infer = async (
    req: FastifyRequest<{ Params: ModelParams; Body: Buffer }>,
    reply: import('fastify').FastifyReply,
  ) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const headerLength = req.headers[HEADER_LENGTH];
    const request = decodeRestInfer(body, Array.isArray(headerLength) ? headerLength[0] : headerLength);
    const res = await inference.infer(need(req), req.params.model, req.params.version, request);
    req.modelLabel = { model: res.modelName.replace('.', '/'), version: res.modelVersion };
    const encoded = encodeRestInfer(res);
    if (encoded.headerLength !== undefined) {
      reply.header('inference-header-content-length', encoded.headerLength).type('application/octet-stream');
    } else reply.type('application/json');
    return reply.send(encoded.body);
  };
  app.post('/v2/models/:model/infer', { config: { scope: 'predict' } }, infer);
  app.post('/v2/models/:model/versions/:version/infer', { config: { scope: 'predict' } }, infer);
}

function need(req: FastifyRequest) {
  if (!req.principal) throw new Error('route reached without authentication');
  return req.principal;
}
