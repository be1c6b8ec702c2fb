import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { ENGINE_VERSION } from '@marquee/engine';
import type { AuthService } from '../../auth/auth-service.js';
import { hasScope, type Principal } from '../../auth/scopes.js';
import { AppError, Forbidden, ResourceExhausted, Unauthenticated } from '../../errors.js';
import type { RateLimits } from '../../limits/rate-limits.js';
import type { Metrics } from '../../ops/metrics.js';
import type { InferenceService } from '../../serving/inference-service.js';
import { decodeGrpcInfer, encodeGrpcInfer, type GrpcInferRequest } from './grpc-infer-codec.js';
import { OIP_EXTENSIONS } from './oip-rest-routes.js';

export const PROTO_PATH = path.join(path.dirname(fileURLToPath(import.meta.url)), 'proto', 'open_inference_grpc.proto');

export const PROTO_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
};

export interface GrpcDeps {
  auth: AuthService;
  inference: InferenceService;
  metrics: Metrics;
  isReady: () => boolean;
  maxMessageBytes: number;
  limits: RateLimits;
}

type Handler = (call: grpc.ServerUnaryCall<any, any>, cb: grpc.sendUnaryData<any>) => void;

/** Maps the platform's typed errors to gRPC status codes. */
export function grpcStatusOf(err: unknown): { code: grpc.status; details: string } {
  if (err instanceof ResourceExhausted) return { code: grpc.status.RESOURCE_EXHAUSTED, details: err.message };
  if (err instanceof AppError) {
    const code =
      {
        400: grpc.status.INVALID_ARGUMENT,
        429: grpc.status.RESOURCE_EXHAUSTED,
        401: grpc.status.UNAUTHENTICATED,
        403: grpc.status.PERMISSION_DENIED,
        404: grpc.status.NOT_FOUND,
        409: grpc.status.ALREADY_EXISTS,
        413: grpc.status.RESOURCE_EXHAUSTED,
        503: grpc.status.UNAVAILABLE,
      }[err.status] ?? grpc.status.UNKNOWN;
    return { code, details: err.message };
  }
  return { code: grpc.status.INTERNAL, details: 'internal error' };
}

/** `inference.GRPCInferenceService`: the six OIP RPCs over the same inference service as REST. */
export function createOipGrpcServer(deps: GrpcDeps): grpc.Server {
  const def = protoLoader.loadSync(PROTO_PATH, PROTO_OPTIONS);
  const pkg = grpc.loadPackageDefinition(def) as unknown as {
    inference: { GRPCInferenceService: grpc.ServiceClientConstructor };
  };
  const server = new grpc.Server({
    'grpc.max_receive_message_length': deps.maxMessageBytes,
    'grpc.max_send_message_length': deps.maxMessageBytes,
  });

  const authenticate = async (
    call: grpc.ServerUnaryCall<unknown, unknown>,
    scope: 'any' | 'predict',
  ): Promise<Principal> => {
    const header = call.metadata.get('authorization')[0];
    const m = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!m) throw new Unauthenticated('missing "authorization: Bearer <token>" metadata');
    const p = await deps.auth.authenticate(m[1] as string);
    if (!p) throw new Unauthenticated('invalid or expired token');
    if (scope !== 'any' && !hasScope(p, scope))
      throw new Forbidden(`this call needs a token with the "${scope}" scope`);
    return p;
  };

  const unary = (
    rpc: string,
    scope: 'public' | 'any' | 'predict',
    fn: (req: any, principal: Principal | undefined) => Promise<{ reply: unknown; model?: string; version?: string }>,
  ): Handler => {
    return (call, cb) => {
      const started = performance.now();
      const done = (status: string, model = '-', version = '-') => {
        deps.metrics.recordRequest('grpc', rpc, model, version, status, (performance.now() - started) / 1000);
      };
      (async () => {
        const principal = scope === 'public' ? undefined : await authenticate(call, scope);
        return fn(call.request, principal);
      })().then(
        ({ reply, model, version }) => {
          done('OK', model, version);
          cb(null, reply);
        },
        (err) => {
          const { code, details } = grpcStatusOf(err);
          done(grpc.status[code] ?? String(code));
          cb({ code, details });
        },
      );
    };
  };

  const need = (p: Principal | undefined) => p as Principal;
  server.addService(pkg.inference.GRPCInferenceService.service, {
    ServerLive: unary('ServerLive', 'public', async () => ({ reply: { live: true } })),
    ServerReady: unary('ServerReady', 'public', async () => ({ reply: { ready: deps.isReady() } })),
    ServerMetadata: unary('ServerMetadata', 'any', async () => ({
      reply: { name: 'marquee', version: ENGINE_VERSION, extensions: OIP_EXTENSIONS },
    })),
    ModelMetadata: unary('ModelMetadata', 'any', async (req: { name: string; version: string }, p) => ({
      reply: await deps.inference.metadata(need(p), req.name, req.version || undefined),
    })),
    ModelReady: unary('ModelReady', 'any', async (req: { name: string; version: string }, p) => ({
      reply: { ready: await deps.inference.ready(need(p), req.name, req.version || undefined) },
    })),
    ModelInfer: unary('ModelInfer', 'predict', async (req: GrpcInferRequest, p) => {
      await deps.limits.check('predict', p, 'grpc');
      const res = await deps.inference.infer(
        need(p),
        req.model_name,
        req.model_version || undefined,
        decodeGrpcInfer(req),
      );
      return { reply: encodeGrpcInfer(res), model: res.registryName, version: res.modelVersion };
    }),
  });
  return server;
}

export function grpcCredentials(tlsCert?: string, tlsKey?: string): grpc.ServerCredentials {
  if (!tlsCert || !tlsKey) return grpc.ServerCredentials.createInsecure();
  return grpc.ServerCredentials.createSsl(null, [
    { cert_chain: fs.readFileSync(tlsCert), private_key: fs.readFileSync(tlsKey) },
  ]);
}
