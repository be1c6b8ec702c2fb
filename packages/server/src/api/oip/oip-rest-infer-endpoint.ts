import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyBaseLogger } from 'fastify';
import type { AuthService } from '../../auth/auth-service.js';
import { hasScope, type Principal } from '../../auth/scopes.js';
import { Forbidden, Invalid, PayloadTooLarge, TooManyRequests, Unauthenticated, Unavailable } from '../../errors.js';
import type { RateLimits } from '../../limits/rate-limits.js';
import type { Metrics } from '../../ops/metrics.js';
import type { InferenceService } from '../../serving/inference-service.js';
import { toAppError } from '../error-mapping.js';
import { rawTokenOf } from '../request-auth.js';
import { decodeRestInfer, encodeRestInfer, HEADER_LENGTH } from './rest-infer-codec.js';

const INFER_PATH = /^\/v2\/models\/([^/?#]+)(?:\/versions\/([^/?#]+))?\/infer\/?(?:\?.*)?$/;
const ROUTE = '/v2/models/:model/infer';
const ROUTE_VERSIONED = '/v2/models/:model/versions/:version/infer';
const REQUEST_ID = /^[\w.-]{1,64}$/;
// Request ids: a random per-process prefix and a counter, unique without a UUID per call.
const ID_PREFIX = randomBytes(6).toString('base64url');
let idCounter = 0;

type Answer = ReturnType<typeof encodeRestInfer> & { model: string; version: string };

export interface InferEndpointDeps {
  auth: AuthService;
  inference: InferenceService;
  metrics: Metrics;
  isReady: () => boolean;
  maxInferBytes: number;
  logRequests: boolean;
  limits: RateLimits;
}

/**
 * OIP REST `infer`, served straight from node:http in front of Fastify: the hottest route
 * of the platform skips the framework's per-request objects, hooks and child loggers
 * (measured: about a third of the CPU per request at batch 1). It keeps every rule of
 * the other routes: bearer (or session cookie + CSRF) auth with the `predict` scope,
 * bounded bodies, `{"error"}` answers, request ids, metrics and access logs.
 */
export class OipInferEndpoint {
  /** Set once the HTTP app exists (it owns the logger). */
  log: FastifyBaseLogger | undefined;

  constructor(private readonly deps: InferEndpointDeps) {}

  /** Serves the request when it is an infer call and answers true; false leaves it to Fastify. */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method !== 'POST' || !req.url?.startsWith('/v2/models/')) return false;
    const m = INFER_PATH.exec(req.url);
    if (!m) return false;
    const started = performance.now();
    const given = req.headers['x-request-id'];
    const reqId =
      typeof given === 'string' && REQUEST_ID.test(given) ? given : `${ID_PREFIX}-${(++idCounter).toString(36)}`;
    const route = m[2] === undefined ? ROUTE : ROUTE_VERSIONED;
    const label = { model: '-', version: '-' };
    this.serve(req, m[1] as string, m[2])
      .then(
        (answer) => {
          label.model = answer.model;
          label.version = answer.version;
          // A flat header list skips Node's per-key object walk.
          const headers = [
            'content-type',
            answer.headerLength === undefined ? 'application/json' : 'application/octet-stream',
            'content-length',
            String(Buffer.byteLength(answer.body)),
            'x-request-id',
            reqId,
          ];
          if (answer.headerLength !== undefined) headers.push(HEADER_LENGTH, String(answer.headerLength));
          res.writeHead(200, headers);
          res.end(answer.body);
          return 200;
        },
        (err: unknown) => {
          const app = toAppError(err);
          if (!app) this.log?.error({ err, reqId }, 'unhandled error');
          const status = app?.status ?? 500;
          const body = JSON.stringify({ error: app?.message ?? 'internal error' });
          const headers: Record<string, string | number> = {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            'x-request-id': reqId,
          };
          if (status === 401) headers['www-authenticate'] = 'Bearer';
          if (app instanceof TooManyRequests) {
            headers['retry-after'] = app.retryAfterSeconds;
            Object.assign(headers, app.headers);
          }
          // The body of a refused upload may still be arriving: do not keep reading it.
          if (status === 413 || status === 503) headers.connection = 'close';
          res.writeHead(status, headers);
          res.end(body);
          return status;
        },
      )
      .then((status) => {
        const seconds = (performance.now() - started) / 1000;
        this.deps.metrics.recordRequest('http', route, label.model, label.version, String(status), seconds);
        if (this.deps.logRequests) {
          this.log?.info({ reqId, method: 'POST', url: req.url, status, ms: seconds * 1000 }, 'request');
        }
      });
    return true;
  }

  /** Auth, body, decode, infer, encode; written as one promise chain with no awaits on cache hits. */
  private serve(req: IncomingMessage, modelSegment: string, versionSegment: string | undefined): Promise<Answer> {
    if (!this.deps.isReady()) return Promise.reject(new Unavailable('the server is shutting down'));
    let raw: string | undefined;
    try {
      raw = rawTokenOf(req);
    } catch (err) {
      return Promise.reject(err);
    }
    if (!raw) return Promise.reject(new Unauthenticated());
    const cached = this.deps.auth.cachedPrincipal(raw);
    const principal = cached ? Promise.resolve(cached) : this.authenticate(raw);
    return Promise.all([principal, readBody(req, this.deps.maxInferBytes)]).then(([p, body]) => {
      if (!hasScope(p, 'predict')) throw new Forbidden('this call needs a token with the "predict" scope');
      const run = (): Promise<Answer> => {
        const headerLength = req.headers[HEADER_LENGTH];
        const request = decodeRestInfer(body, Array.isArray(headerLength) ? headerLength[0] : headerLength);
        const version = versionSegment === undefined ? undefined : decodeSegment(versionSegment);
        return this.deps.inference.infer(p, decodeSegment(modelSegment), version, request).then((res) => {
          const encoded = encodeRestInfer(res) as Answer;
          encoded.model = res.modelName.replace('.', '/');
          encoded.version = res.modelVersion;
          return encoded;
        });
      };
      const limited = this.deps.limits.check('predict', p, req.socket.remoteAddress ?? '');
      return limited instanceof Promise ? limited.then(run) : run();
    });
  }

  private async authenticate(raw: string): Promise<Principal> {
    const principal = await this.deps.auth.authenticate(raw);
    if (!principal) throw new Unauthenticated('invalid or expired token');
    return principal;
  }
}

function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new Invalid(`malformed path segment "${s}"`);
  }
}

/** The whole body, refused with 413 once it passes `max` bytes. */
function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > max) {
    req.resume();
    return Promise.reject(new PayloadTooLarge(`an inference request may have at most ${max} bytes`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        req.removeAllListeners('data');
        req.resume();
        reject(new PayloadTooLarge(`an inference request may have at most ${max} bytes`));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size)));
    req.on('error', reject);
  });
}
