import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyRequest, LogController } from 'fastify';
import { auditRoutes } from '../audit/audit-routes.js';
import type { AuditService } from '../audit/audit-service.js';
import { authRoutes } from '../auth/auth-routes.js';
import type { AuthService } from '../auth/auth-service.js';
import { behaviourRoutes } from '../behaviour/behaviour-routes.js';
import type { BehaviourService } from '../behaviour/behaviour-service.js';
import type { ServerConfig } from '../config/config.js';
import { datasetRoutes } from '../datasets/dataset-routes.js';
import type { DatasetService } from '../datasets/dataset-service.js';
import { discussionRoutes } from '../discussions/discussion-routes.js';
import type { DiscussionService } from '../discussions/discussion-service.js';
import { jobRoutes } from '../jobs/job-routes.js';
import type { JobService } from '../jobs/job-service.js';
import { rateLimitHeaders } from '../limits/rate-limiter.js';
import type { RateLimits } from '../limits/rate-limits.js';
import { benchmarkRoutes } from '../market/benchmarks/benchmark-routes.js';
import type { BenchmarkService } from '../market/benchmarks/benchmark-service.js';
import type { CardService } from '../market/card-service.js';
import { marketRoutes } from '../market/market-routes.js';
import type { MarketService } from '../market/market-service.js';
import type { UsageCounter } from '../market/usage-counter.js';
import type { Metrics } from '../ops/metrics.js';
import { opsRoutes } from '../ops/ops-routes.js';
import { orgRoutes } from '../orgs/org-routes.js';
import type { OrgService } from '../orgs/org-service.js';
import { proposalRoutes } from '../proposals/proposal-routes.js';
import type { ProposalService } from '../proposals/proposal-service.js';
import { quotaRoutes } from '../quotas/quota-routes.js';
import type { QuotaService } from '../quotas/quota-service.js';
import type { LexiconModels } from '../registry/lexicon-models.js';
import { lexiconRoutes } from '../registry/lexicon-routes.js';
import { modelPolicyRoutes } from '../registry/model-policy-routes.js';
import type { ModelPolicyService } from '../registry/model-policy-service.js';
import { registryRoutes } from '../registry/registry-routes.js';
import type { RegistryService } from '../registry/registry-service.js';
import { deploymentRoutes } from '../serving/deployments/deployment-routes.js';
import type { DeploymentService } from '../serving/deployments/deployment-service.js';
import type { InferenceService } from '../serving/inference-service.js';
import { predictRoutes } from '../serving/predict-routes.js';
import { recommendationRoutes } from '../serving/recommendation-routes.js';
import type { RecommendationService } from '../serving/recommendation-service.js';
import type { RecordPredictor } from '../serving/record-predict.js';
import { WebApp } from '../web/web-app.js';
import { webhookRoutes } from '../webhooks/webhook-routes.js';
import type { WebhookService } from '../webhooks/webhook-service.js';
import { sendError } from './error-mapping.js';
import { OipInferEndpoint } from './oip/oip-rest-infer-endpoint.js';
import { oipRestRoutes } from './oip/oip-rest-routes.js';
import { authorize, authorizeIfGiven } from './request-auth.js';

export interface HttpDeps {
  config: ServerConfig;
  /** Which `serve --workers` process this is, when there are several. */
  processes?: { index: number; count: number };
  /** GET /metrics's text when it is not this process's registry alone (serve --workers). */
  metricsText?: () => Promise<string>;
  auth: AuthService;
  registry: RegistryService;
  inference: InferenceService;
  datasets: DatasetService;
  jobs: JobService;
  predictor: RecordPredictor;
  lexicons: LexiconModels;
  recommendations: RecommendationService;
  behaviour: BehaviourService;
  market: MarketService;
  benchmarks: BenchmarkService;
  orgs: OrgService;
  audit: AuditService;
  limits: RateLimits;
  discussions: DiscussionService;
  proposals: ProposalService;
  policy: ModelPolicyService;
  deployments: DeploymentService;
  webhooks: WebhookService;
  quotas: QuotaService;
  cards: CardService;
  usage: UsageCounter;
  metrics: Metrics;
  isReady: () => boolean;
  version: string;
}

const REQUEST_ID = /^[\w.-]{1,64}$/;

/** The HTTP(S) server: /api/v1 (problem+json), OIP v2 REST, operations and API docs. */
export async function buildHttpApp(deps: HttpDeps): Promise<FastifyInstance> {
  const { config } = deps;
  const logRequests = ['trace', 'debug', 'info'].includes(config.logLevel);
  const infer = new OipInferEndpoint({
    auth: deps.auth,
    inference: deps.inference,
    metrics: deps.metrics,
    isReady: deps.isReady,
    maxInferBytes: config.maxInferBytes,
    logRequests,
    limits: deps.limits,
  });
  const tls =
    config.tlsCert && config.tlsKey
      ? { cert: fs.readFileSync(config.tlsCert), key: fs.readFileSync(config.tlsKey) }
      : undefined;
  const app = Fastify({
    logger: { level: config.logLevel, redact: ['req.headers.authorization', 'req.headers.cookie'] },
    // One access-log line per request is written by the onResponse hook below.
    logController: new LogController({ disableRequestLogging: true }),
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    bodyLimit: 1024 * 1024,
    // Unknown fields are an error, not silently dropped.
    ajv: { customOptions: { removeAdditional: false } },
    // OIP infer is answered in front of Fastify (see OipInferEndpoint); the rest goes on.
    serverFactory: (handler) => {
      const serve = (req: http.IncomingMessage, res: http.ServerResponse) => {
        if (!infer.handle(req, res)) handler(req, res);
      };
      return tls ? https.createServer(tls, serve) : http.createServer({ keepAliveTimeout: 72_000 }, serve);
    },
  }) as unknown as FastifyInstance;

  infer.log = app.log;

  // Deny by default: a route that does not declare its scope fails at start-up.
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/api/docs')) {
      route.config = { ...(route.config ?? {}), scope: 'public' };
      return;
    }
    if (!(route.config as { scope?: string } | undefined)?.scope) {
      throw new Error(`route ${route.method} ${route.url} declares no scope`);
    }
  });

  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
    const scope = req.routeOptions.config?.scope;
    if (scope === 'optional') {
      if (req.headers.authorization || req.headers.cookie) await authorizeIfGiven(deps.auth, req);
    } else if (scope && scope !== 'public') await authorize(deps.auth, req, scope);
    // Operations endpoints (health, metrics, docs) are not the API and are never limited.
    const route = req.routeOptions.url;
    if (route && (route.startsWith('/api/v1/') || route.startsWith('/v2'))) {
      const decision = await deps.limits.check(isPrediction(route) ? 'predict' : 'api', req.principal, req.ip);
      if (decision) reply.headers(rateLimitHeaders(decision));
    }
  });

  app.addHook('onResponse', async (req, reply) => {
    deps.metrics.recordRequest(
      'http',
      req.routeOptions.url ?? 'unmatched',
      // Per-model labels come from the predict paths (OipInferEndpoint, gRPC).
      '-',
      '-',
      String(reply.statusCode),
      reply.elapsedTime / 1000,
    );
    if (logRequests) {
      req.log.info({ method: req.method, url: req.url, status: reply.statusCode, ms: reply.elapsedTime }, 'request');
    }
    const route = req.routeOptions.url;
    if (route && isAudited(req.method, route)) {
      deps.audit
        .record({
          caller: req.principal,
          // A connection already torn down (an upload refused mid-stream) has no address left.
          address: req.ip ?? 'unknown',
          method: req.method,
          route,
          path: req.url.split('?')[0] as string,
          ...(ownerNamed(req) && { ownerName: ownerNamed(req) }),
          status: reply.statusCode,
          requestId: req.id,
        })
        .catch((err) => req.log.error({ err: String(err) }, 'audit record failed'));
    }
  });

  app.setErrorHandler((err, req, reply) => sendError(err, req, reply));
  const web = new WebApp(config.webDir);
  app.setNotFoundHandler((req, reply) => {
    if (web.serve(req, reply)) return reply;
    const msg = `no route ${req.method} ${req.url.split('?')[0]}`;
    if (req.url.startsWith('/v2')) return reply.code(404).send({ error: msg });
    return reply
      .code(404)
      .type('application/problem+json')
      .send({ type: 'about:blank', title: 'Not Found', status: 404, detail: msg });
  });

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Marquee API',
        version: deps.version,
        description: 'REST /api/v1. Errors are application/problem+json.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
  app.get('/api/openapi.json', { config: { scope: 'public' }, schema: { hide: true } }, async () => app.swagger());

  await app.register(opsRoutes, {
    metrics: deps.metrics,
    isReady: deps.isReady,
    processes: deps.processes,
    metricsText: deps.metricsText,
  });
  await app.register(
    async (api) => {
      await api.register(authRoutes, {
        auth: deps.auth,
        secureCookies: Boolean(config.tlsCert),
        allowSignup: config.allowSignup,
      });
      await api.register(registryRoutes, {
        registry: deps.registry,
        maxModelBytes: config.maxModelBytes,
        describe: (caller, model) => deps.market.describe(caller, model),
        onDownload: (modelId) => deps.usage.download(modelId),
      });
      await api.register(marketRoutes, { market: deps.market, cards: deps.cards, registry: deps.registry });
      await api.register(benchmarkRoutes, { benchmarks: deps.benchmarks });
      await api.register(orgRoutes, { orgs: deps.orgs });
      await api.register(auditRoutes, { audit: deps.audit });
      await api.register(discussionRoutes, { discussions: deps.discussions });
      await api.register(proposalRoutes, { proposals: deps.proposals });
      await api.register(modelPolicyRoutes, { policy: deps.policy });
      await api.register(deploymentRoutes, { deployments: deps.deployments });
      await api.register(webhookRoutes, { webhooks: deps.webhooks });
      await api.register(quotaRoutes, { quotas: deps.quotas });
      await api.register(datasetRoutes, { datasets: deps.datasets });
      await api.register(jobRoutes, { jobs: deps.jobs });
      await api.register(predictRoutes, { predictor: deps.predictor });
      await api.register(lexiconRoutes, { lexicons: deps.lexicons });
      await api.register(recommendationRoutes, { recommendations: deps.recommendations });
      await api.register(behaviourRoutes, { behaviour: deps.behaviour });
    },
    { prefix: '/api/v1' },
  );
  await app.register(oipRestRoutes, { inference: deps.inference, isReady: deps.isReady });
  return app;
}

/** Calls that compute an answer from a model: the predictions budget, never the audit log. */
function isPrediction(route: string): boolean {
  return /\/(predict|recommend|similar|infer)$/.test(route);
}

/** Writes under /api/v1, but not the calls that only compute an answer (predictions). */
function isAudited(method: string, route: string): boolean {
  return (
    method !== 'GET' &&
    method !== 'HEAD' &&
    method !== 'OPTIONS' &&
    route.startsWith('/api/v1/') &&
    !isPrediction(route)
  );
}

/** The owner a call is about: the path's owner or organisation, else the body's (creating under it). */
function ownerNamed(req: FastifyRequest): string | undefined {
  const params = (req.params ?? {}) as Record<string, unknown>;
  const body = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
  const named =
    params.owner ?? params.org ?? body.owner ?? (req.routeOptions.url === '/api/v1/orgs' ? body.name : undefined);
  return typeof named === 'string' ? named : undefined;
}
