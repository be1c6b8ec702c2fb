import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, TooManyRequests } from '../errors.js';

/**
 * The one place where thrown errors become HTTP answers. `/api/v1` answers RFC 9457
 * problem+json; the Open Inference Protocol answers `{"error": "…"}`. Unexpected errors
 * are logged with the request id and answered 500 without internals.
 */
export function toAppError(err: unknown): AppError | undefined {
  if (err instanceof AppError) return err;
  const fe = err as FastifyError;
  if (fe?.validation) return new AppError(400, 'Bad Request', `invalid request: ${fe.message}`);
  if (typeof fe?.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return new AppError(fe.statusCode, fe.code ?? 'Bad Request', fe.message);
  }
  return undefined;
}

export function sendError(err: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const app = toAppError(err);
  if (!app) request.log.error({ err }, 'unhandled error');
  const status = app?.status ?? 500;
  const message = app ? withoutInternals(app.message) : 'internal error';
  if (status === 401) reply.header('www-authenticate', 'Bearer');
  if (app instanceof TooManyRequests) {
    reply.header('retry-after', String(app.retryAfterSeconds));
    for (const [k, v] of Object.entries(app.headers)) reply.header(k, v);
  }
  if (request.url.startsWith('/v2')) {
    return reply.code(status).type('application/json').send({ error: message });
  }
  return reply
    .code(status)
    .type('application/problem+json')
    .send({
      type: 'about:blank',
      title: app?.title ?? 'Internal Server Error',
      status,
      detail: message,
      instance: request.url.split('?')[0],
      requestId: request.id,
      ...(app?.details ?? {}),
    });
}

/**
 * The last guard on what an error tells the caller: a file path on the server (a blob's,
 * a temporary folder's) or a source location slipped into a message from a library is
 * cut out. Services word their errors themselves; this only catches what got through.
 */
export function withoutInternals(message: string): string {
  // The platform's own URLs (/api/v1/…, /v2/…) are advice to the caller, not internals.
  return message
    .replace(/(["'`])\/(?!api\/|v2\/)(?:[^"'`\s]+\/)+[^"'`\s]*\1/g, 'the file')
    .replace(/(?<![\w.])\/(?!api\/|v2\/)(?:[\w.@+-]+\/){2,}[\w.@+-]*/g, 'the file')
    .replace(/\s+at\s+\S+\s+\([^)]*:\d+:\d+\)/g, '');
}
