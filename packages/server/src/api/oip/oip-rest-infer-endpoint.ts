import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyBaseLogger } from 'fastify';
import type { AuthService } from '../../auth/auth-service.js';
import { hasScope, type Principal } from '../../auth/scopes.js';
import { BoundedMemo } from '../../bounded-memo.js';
import { Forbidden, Invalid, PayloadTooLarge, TooManyRequests, Unauthenticated, Unavailable } from '../../errors.js';
import type { RateLimits } from '../../limits/rate-limits.js';
import type { Metrics } from '../../ops/metrics.js';
import type { InferenceService } from '../../serving/inference-service.js';
import type { InferRequest } from '../../serving/tensor.js';
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
type InferPath = { model: string; version: string | undefined; route: string };
type Done = (err: unknown, answer?: Answer) => void;

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
  // Paths seen lately and what they name: a hit skips the regex and keeps the model's name
  // one string (its hash computed once, for every map it keys on the way).
  private readonly paths = new BoundedMemo(inferPath, 256, 512);
  // The last Authorization header and its token: clients send the same one on every call.
  private lastAuthorization: string | undefined;
  private lastToken: string | undefined;

  constructor(private readonly deps: InferEndpointDeps) {}

  /** Serves the request when it is an infer call and answers true; false leaves it to Fastify. */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method !== 'POST' || !req.url?.startsWith('/v2/models/')) return false;
    const path = this.paths.get(req.url);
    if (!path) return false;
    const started = performance.now();
    const given = req.headers['x-request-id'];
    const reqId =
      typeof given === 'string' && REQUEST_ID.test(given) ? given : `${ID_PREFIX}-${(++idCounter).toString(36)}`;
    // Callbacks rather than a promise chain: on a cache hit nothing here waits but the run.
    this.serve(req, path.model, path.version, (err, answer) => {
      let status = 500;
      try {
        status = answer ? sendAnswer(res, reqId, answer) : this.sendError(res, reqId, err);
      } catch (e) {
        // Called from a batch's run: a failure here must not reach the neighbours' answers.
        this.log?.error({ err: e, reqId }, 'could not send the answer');
        res.destroy();
      }
      const seconds = (performance.now() - started) / 1000;
      this.deps.metrics.recordRequest(
        'http',
        path.route,
        answer?.model ?? '-',
        answer?.version ?? '-',
        status === 200 ? '200' : String(status),
        seconds,
      );
      if (this.deps.logRequests) {
        this.log?.info({ reqId, method: 'POST', url: req.url, status, ms: seconds * 1000 }, 'request');
      }
    });
    return true;
  }

  /** The request's bearer token (or session cookie); the last header's token is not parsed again. */
  private tokenOf(req: IncomingMessage): string | undefined {
    const header = req.headers.authorization;
    if (header !== undefined && header === this.lastAuthorization) return this.lastToken;
    const raw = rawTokenOf(req);
    if (header !== undefined) {
      this.lastAuthorization = header;
      this.lastToken = raw;
    }
    return raw;
  }

  private sendError(res: ServerResponse, reqId: string, err: unknown): number {
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
  }

  /** Auth and the body, then the answer; a token seen before is not awaited. */
  private serve(req: IncomingMessage, modelSegment: string, versionSegment: string | undefined, done: Done): void {
    if (!this.deps.isReady()) {
      done(new Unavailable('the server is shutting down'));
      return;
    }
    let raw: string | undefined;
    try {
      raw = this.tokenOf(req);
    } catch (err) {
      done(err);
      return;
    }
    if (!raw) {
      done(new Unauthenticated());
      return;
    }
    const cached = this.deps.auth.cachedPrincipal(raw);
    if (cached) {
      readBody(req, this.deps.maxInferBytes, (err, body) => {
        if (body) this.answer(req, cached, body, modelSegment, versionSegment, done);
        else done(err);
      });
      return;
    }
    // A token not seen lately: look it up while the body arrives; a refusal need not wait for it.
    const body = new Promise<Buffer>((resolve, reject) =>
      readBody(req, this.deps.maxInferBytes, (err, b) => (b ? resolve(b) : reject(err))),
    );
    Promise.all([this.authenticate(raw), body]).then(
      ([p, b]) => this.answer(req, p, b, modelSegment, versionSegment, done),
      done,
    );
  }

  private answer(
    req: IncomingMessage,
    p: Principal,
    body: Buffer,
    modelSegment: string,
    versionSegment: string | undefined,
    done: Done,
  ): void {
    let limited: ReturnType<RateLimits['check']>;
    try {
      if (!hasScope(p, 'predict')) throw new Forbidden('this call needs a token with the "predict" scope');
      limited = this.deps.limits.check('predict', p, req.socket.remoteAddress ?? '');
    } catch (err) {
      done(err);
      return;
    }
    if (limited instanceof Promise) {
      limited.then(() => this.infer(req, p, body, modelSegment, versionSegment, done), done);
    } else this.infer(req, p, body, modelSegment, versionSegment, done);
  }

  private infer(
    req: IncomingMessage,
    p: Principal,
    body: Buffer,
    modelSegment: string,
    versionSegment: string | undefined,
    done: Done,
  ): void {
    let request: InferRequest;
    let model: string;
    let version: string | undefined;
    try {
      const headerLength = req.headers[HEADER_LENGTH];
      request = decodeRestInfer(body, Array.isArray(headerLength) ? headerLength[0] : headerLength);
      model = decodeSegment(modelSegment);
      version = versionSegment === undefined ? undefined : decodeSegment(versionSegment);
    } catch (err) {
      done(err);
      return;
    }
    this.deps.inference.inferWith(p, model, version, request, (err, res) => {
      if (!res) {
        done(err);
        return;
      }
      let encoded: Answer;
      try {
        encoded = encodeRestInfer(res) as Answer;
      } catch (e) {
        done(e);
        return;
      }
      encoded.model = res.registryName ?? '-';
      encoded.version = res.modelVersion;
      done(undefined, encoded);
    });
  }

  private async authenticate(raw: string): Promise<Principal> {
    const principal = await this.deps.auth.authenticate(raw);
    if (!principal) throw new Unauthenticated('invalid or expired token');
    return principal;
  }
}

function sendAnswer(res: ServerResponse, reqId: string, answer: Answer): number {
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
}

/** The model and version segments of an infer path; undefined for any other path. */
function inferPath(url: string): InferPath | undefined {
  const m = INFER_PATH.exec(url);
  if (!m) return undefined;
  return { model: m[1] as string, version: m[2], route: m[2] === undefined ? ROUTE : ROUTE_VERSIONED };
}

function decodeSegment(s: string): string {
  if (!s.includes('%')) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    throw new Invalid(`malformed path segment "${s}"`);
  }
}

/** The whole body, refused with 413 once it passes `max` bytes; `done` is called once. */
function readBody(req: IncomingMessage, max: number, done: (err: unknown, body?: Buffer) => void): void {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > max) {
    req.resume();
    done(new PayloadTooLarge(`an inference request may have at most ${max} bytes`));
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let finished = false;
  req.on('data', (c: Buffer) => {
    if (finished) return;
    size += c.length;
    if (size > max) {
      finished = true;
      req.removeAllListeners('data');
      req.resume();
      done(new PayloadTooLarge(`an inference request may have at most ${max} bytes`));
      return;
    }
    chunks.push(c);
  });
  req.on('end', () => {
    if (finished) return;
    finished = true;
    done(undefined, chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
  });
  req.on('error', (err) => {
    if (finished) return;
    finished = true;
    done(err);
  });
}
