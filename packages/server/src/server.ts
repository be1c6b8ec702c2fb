import cluster from 'node:cluster';
import path from 'node:path';

import { ENGINE_VERSION } from '@marquee/engine';
import type { FastifyInstance } from 'fastify';
import { buildHttpApp } from './api/http-app.js';
import { createOipGrpcServer, grpcCredentials } from './api/oip/oip-grpc-server.js';
import { AuditService } from './audit/audit-service.js';
import { AuditStore } from './audit/audit-store.js';
import { AuthService } from './auth/auth-service.js';
import { AuthStore } from './auth/auth-store.js';
import type { CollaboratorLookup } from './auth/collaborator-lookup.js';
import { BehaviourJobKind } from './behaviour/behaviour-job-kind.js';
import { BehaviourService } from './behaviour/behaviour-service.js';
import { shareCacheInvalidation } from './cluster-caches.js';
import type { ServerConfig } from './config/config.js';
import { DatasetService } from './datasets/dataset-service.js';
import { DatasetStore } from './datasets/dataset-store.js';
import { type DemoSummary, loadDemo } from './demo/demo-loader.js';
import { DiscussionService } from './discussions/discussion-service.js';
import { DiscussionStore } from './discussions/discussion-store.js';
import { Invalid } from './errors.js';
import { BatchPredictionJobKind } from './jobs/batch-prediction-job-kind.js';
import { FoldScoresJobKind } from './jobs/fold-scores-job-kind.js';
import { relayJobEvents } from './jobs/job-event-relay.js';
import { JobEvents } from './jobs/job-events.js';
import { JobRunner } from './jobs/job-runner.js';
import { JobService } from './jobs/job-service.js';
import { JobSignals } from './jobs/job-signals.js';
import { JobStore } from './jobs/job-store.js';
import { TrainingJobKind } from './jobs/training-job-kind.js';
import { MemoryRateLimiter } from './limits/memory-rate-limiter.js';
import { RateLimits } from './limits/rate-limits.js';
import { RateWindowStore } from './limits/rate-window-store.js';
import { SharedRateLimiter } from './limits/shared-rate-limiter.js';
import { BenchmarkJobKind } from './market/benchmarks/benchmark-job-kind.js';
import { BenchmarkService } from './market/benchmarks/benchmark-service.js';
import { BenchmarkStore } from './market/benchmarks/benchmark-store.js';
import { CardService } from './market/card-service.js';
import { FacetCounts } from './market/facet-counts.js';
import { ListingSearch } from './market/listing-search.js';
import { MarketService } from './market/market-service.js';
import { MarketStore } from './market/market-store.js';
import { PublishJobKind } from './market/publish-job-kind.js';
import { UsageCounter } from './market/usage-counter.js';
import { Metrics } from './ops/metrics.js';
import { buildProbeApp } from './ops/probe-app.js';
import { OrgService } from './orgs/org-service.js';
import { OrgStore } from './orgs/org-store.js';
import { shareMetrics, supervisorMetrics } from './processes/cluster-metrics.js';
import { drainListeners } from './processes/drain-listeners.js';
import { tuneHeapForServing } from './processes/serving-heap.js';
import { ProposalEvaluationJobKind } from './proposals/proposal-evaluation-job-kind.js';
import { ProposalService } from './proposals/proposal-service.js';
import { ProposalStore } from './proposals/proposal-store.js';
import { QuotaService } from './quotas/quota-service.js';
import { QuotaStore } from './quotas/quota-store.js';
import { LexiconModels } from './registry/lexicon-models.js';
import { ModelPolicyService } from './registry/model-policy-service.js';
import { RegistryService } from './registry/registry-service.js';
import { RegistryStore } from './registry/registry-store.js';
import { DeploymentService } from './serving/deployments/deployment-service.js';
import { DeploymentStore } from './serving/deployments/deployment-store.js';
import { RolloutStats } from './serving/deployments/rollout-stats.js';
import { InferenceService } from './serving/inference-service.js';
import { NativeModels } from './serving/native-models.js';
import { RecommendationService } from './serving/recommendation-service.js';
import { RecordPredictor } from './serving/record-predict.js';
import { RuntimeCache } from './serving/runtime-cache.js';
import { EngineRuntime } from './serving/runtimes/engine-runtime.js';
import { loadNativeRuntime } from './serving/runtimes/native-runtime.js';
import { OnnxRuntime } from './serving/runtimes/onnx-runtime.js';
import { WarmPeers } from './serving/warm-peers.js';
import { WarmStart } from './serving/warm-start.js';
import type { BlobStore } from './store/blobs/blob-store.js';
import { FsBlobStore } from './store/blobs/fs-blob-store.js';
import { S3BlobStore } from './store/blobs/s3-blob-store.js';
import { openClusterBus } from './store/cluster-bus/open-bus.js';
import { openDatabase } from './store/database.js';
import { PostgresTsvectorIndex } from './store/full-text/postgres-tsvector-index.js';
import { SqliteFts5Index } from './store/full-text/sqlite-fts5-index.js';
import { emitPlatformEvents } from './webhooks/platform-events.js';
import { WebhookDispatcher } from './webhooks/webhook-dispatcher.js';
import { WebhookService } from './webhooks/webhook-service.js';
import { WebhookStore } from './webhooks/webhook-store.js';

export const SERVER_VERSION = ENGINE_VERSION;

/** What a process of the fleet does: answer the API (and maybe run jobs), or only run jobs. */
export type ServerRole = 'api' | 'worker';

/** Which of the `serve --workers N` processes this is (index 0 runs the jobs). */
export interface ServeProcesses {
  index: number;
  count: number;
}

export interface RunningServer {
  httpUrl: string;
  httpPort: number;
  grpcPort: number;
  /** Set when this start created the admin user with a generated token. */
  generatedAdminToken?: string;
  /** The PostgreSQL store's URL in the cluster mode (unset: SQLite in the data folder). */
  databaseUrl?: string;
  http: FastifyInstance;
  /** With `demo` set: the demo content being loaded (the server answers meanwhile). */
  demo?: Promise<DemoSummary>;
  /** Stops taking new work, lets in-flight requests finish (up to the drain timeout), closes the store. */
  close(): Promise<void>;
}

/**
 * Opens the store, wires the domains and starts the HTTP and gRPC listeners. A worker
 * (`role: 'worker'`) wires the same domains, since jobs register versions, publish and
 * evaluate through them, but listens only for health probes and runs jobs.
 */
export async function startServer(
  config: ServerConfig,
  role: ServerRole = 'api',
  processes: ServeProcesses = { index: 0, count: 1 },
): Promise<RunningServer> {
  if (role === 'worker' && !config.databaseUrl)
    throw new Error(
      'a worker takes jobs from the PostgreSQL database the API nodes share: give --database-url (MARQUEE_DATABASE_URL)',
    );
  if (role === 'worker' && !config.runJobs) throw new Error('a worker runs jobs: MARQUEE_RUN_JOBS cannot be off');
  tuneHeapForServing();
  const { db, dialect } = await openDatabase(config);
  const bus = await openClusterBus(config, db, processes.count, (msg, fields) => httpLog?.warn(fields ?? {}, msg));
  // Of several serving processes on one store, the first runs the jobs and the one-off work.
  const first = processes.index === 0;
  // PostgreSQL's queue may have runners on many hosts; SQLite's has exactly one.
  const manyRunners = Boolean(config.databaseUrl);
  // Blobs in the data folder (a volume the nodes share, in a cluster), or in S3 with a
  // local cache in the data folder.
  const blobs: BlobStore = config.blobUrl
    ? S3BlobStore.fromUrl(config.blobUrl, path.join(config.dataDir, 'blob-cache'))
    : new FsBlobStore(path.join(config.dataDir, 'blobs'));
  const orgStore = new OrgStore(db);
  const collaborators: CollaboratorLookup = {
    role: (kind, id, userId) => orgStore.collaboratorRole(kind, id, userId),
    roles: (kind, id) => orgStore.collaboratorRoles(kind, id),
    grant: (kind, id, userId, role) => orgStore.putCollaborator(kind, id, userId, role),
  };
  const auth = new AuthService(new AuthStore(db), (userId) => orgStore.rolesOfUser(userId));
  const { generatedToken } = await auth.bootstrapAdmin(config.dataDir, config.adminToken);
  const quotas = new QuotaService(new QuotaStore(db), auth, {
    storageBytes: config.quotaStorageBytes,
    concurrentJobs: config.quotaConcurrentJobs,
  });
  const checkStorage = (ownerId: number, bytes: number) => quotas.checkStorage(ownerId, bytes);

  const metrics = new Metrics();
  // Under `serve --workers` a scrape reaches one process: it answers for all of them.
  const sharedMetrics = processes.count > 1 && cluster.isWorker;
  if (sharedMetrics) shareMetrics(metrics.registry);
  const registryStore = new RegistryStore(db);
  const registry = new RegistryService(
    registryStore,
    blobs,
    auth,
    async (file, _signature, format) => {
      // Loading it is the only full check that the runtime will run the model; an API node
      // keeps what it loaded for the new version's first request (warm-start.ts).
      const runtime = format === 'onnx' ? await OnnxRuntime.load(file) : await loadNativeRuntime(file);
      if (warm) warm.keep(file, runtime);
      else await runtime.dispose();
    },
    collaborators,
    checkStorage,
  );
  const cache: RuntimeCache = new RuntimeCache(
    config.modelMemoryBytes,
    {
      load: async (v) => {
        const file = await blobs.localPath(v.sha256);
        const kept = warm?.take(file);
        if (kept) return kept;
        return v.format === 'onnx' ? OnnxRuntime.load(file) : loadNativeRuntime(file);
      },
      estimateMemory: (v) =>
        v.format === 'onnx' ? OnnxRuntime.estimateMemory(v.sizeBytes) : EngineRuntime.estimateMemory(v.sizeBytes),
    },
    { maxBatchSize: config.maxBatchSize, maxDelayMs: config.maxBatchDelayMs },
    metrics.cacheObserver(),
  );
  // A worker serves nothing: it neither keeps upload checks' runtimes nor loads at start.
  const warm: WarmStart | undefined =
    role === 'api' ? new WarmStart(path.join(config.dataDir, 'warm-models.json'), cache) : undefined;
  const rolloutStats = new RolloutStats();
  const inference = new InferenceService(registry, cache, rolloutStats);
  const deployments = new DeploymentService(new DeploymentStore(db), registry, rolloutStats);
  registry.useTrafficSplits((modelId) => deployments.splits(modelId));
  const datasets = new DatasetService(
    new DatasetStore(db),
    blobs,
    auth,
    { maxBytes: config.maxDatasetBytes, maxColumns: config.maxDatasetColumns },
    collaborators,
    checkStorage,
  );
  const orgs = new OrgService(orgStore, auth, registry, datasets);
  auth.useModelLookup(async (caller, fullName) => {
    const [owner, name, ...rest] = fullName.split('/');
    if (!owner || !name || rest.length) throw new Invalid(`a model is named owner/name, not "${fullName}"`);
    const ref = await registry.modelRef(caller, owner, name, 'read');
    return { id: ref.id, ownerId: ref.ownerId };
  });
  const audit = new AuditService(new AuditStore(db), auth);
  const discussions = new DiscussionService(new DiscussionStore(db), registry, datasets);
  const webhookStore = new WebhookStore(db, dialect);
  const dispatcher = new WebhookDispatcher(webhookStore, {
    allowPrivate: config.webhooksAllowPrivate,
    retryBaseMs: config.webhookRetryBaseMs,
    maxAttempts: 8,
    timeoutMs: 10_000,
    log: (msg, fields) => httpLog?.warn(fields ?? {}, msg),
  });
  const webhooks = new WebhookService(webhookStore, auth, config.webhooksAllowPrivate, () => dispatcher.wake());
  // A new version is in the cache when its upload answers (its check's runtime, taken
  // over), in this process and the other serving processes (warm-peers.ts). Best effort:
  // a version that cannot be loaded now loads on its first request.
  const peers = new WarmPeers(bus, config.databaseUrl ? 0 : processes.count - 1, warm);
  registry.onVersionCreated(async (model, version, creator) => {
    try {
      const resolved = registry.pickVersion(await registry.entryFor(creator, model.fullName), String(version.version));
      if (warm) await cache.preload(resolved);
      await peers.created(resolved);
    } catch {}
  });
  // One node counts calls in memory; a cluster's nodes add theirs to shared counters.
  const sharedLimiter = bus.shared
    ? new SharedRateLimiter(new RateWindowStore(db), 250, (msg, fields) => httpLog?.warn(fields ?? {}, msg))
    : undefined;
  sharedLimiter?.start();
  const limits = new RateLimits(sharedLimiter ?? new MemoryRateLimiter(), {
    api: config.rateLimitApi,
    predict: config.rateLimitPredict,
  });
  let httpLog: FastifyInstance['log'] | undefined;
  const jobStore = new JobStore(db, dialect);
  const jobEvents = new JobEvents();
  relayJobEvents(
    jobEvents,
    bus,
    (id) => jobStore.get(id),
    (msg, fields) => httpLog?.warn(fields ?? {}, msg),
  );
  const training = new TrainingJobKind(datasets, registry);
  let market: MarketService | undefined;
  let benchmarks: BenchmarkService | undefined;
  let proposals: ProposalService | undefined;
  const kinds = {
    publish: new PublishJobKind(registry, datasets, () => market as MarketService),
    benchmark: new BenchmarkJobKind(() => benchmarks as BenchmarkService),
    train: training,
    search: training,
    'batch-predict': new BatchPredictionJobKind(datasets, registry, config.dataDir, config.batchRangeRows),
    behaviour: new BehaviourJobKind(datasets, config.dataDir),
    'proposal-evaluation': new ProposalEvaluationJobKind(() => proposals as ProposalService),
    'fold-scores': new FoldScoresJobKind(datasets),
  };
  const runner =
    config.runJobs && first
      ? new JobRunner(jobStore, jobEvents, kinds, auth, {
          concurrency: config.jobConcurrency,
          timeLimitS: config.jobTimeLimitS,
          nodeId: bus.nodeId,
          leaseMs: config.jobLeaseS * 1000,
          soleRunner: !manyRunners,
          pollMs: manyRunners ? 5_000 : 2_000,
          fanOut: manyRunners,
          onQueued: () => signals.queued(),
          log: (msg, fields) => httpLog?.info(fields ?? {}, msg),
        })
      : undefined;
  const signals = new JobSignals(bus, runner, (msg, fields) => httpLog?.warn(fields ?? {}, msg));
  const jobs = new JobService(jobStore, jobEvents, signals, datasets, registry, auth, {
    maxAttempts: config.jobMaxAttempts,
    timeLimitS: config.jobTimeLimitS,
  });
  proposals = new ProposalService(
    new ProposalStore(db),
    registry,
    datasets,
    {
      get: (caller, id) => jobs.get(caller, id),
      submit: (caller, kind, spec) => jobs.submit(caller, kind, spec),
      outcome: async (id) => {
        const job = await jobStore.get(id);
        return job && { state: job.state, result: job.result ? JSON.parse(job.result) : null, error: job.error };
      },
    },
    auth,
    (merger, model, alias, version, weight, proposal) =>
      deployments.startFromMerge(merger, model, alias, version, weight, proposal),
  );
  const proposalService = proposals;
  // After the warm-start listener and before the cards' and proposals' own: the order
  // in which version and job listeners run.
  emitPlatformEvents({
    webhooks,
    registry,
    discussions,
    jobEvents,
    jobStore,
    proposals,
    log: (msg, fields) => httpLog?.warn(fields ?? {}, msg),
  });
  jobEvents.onAny((jobId, e) => {
    if (e.type !== 'state' || !['succeeded', 'failed', 'cancelled'].includes(e.state)) return;
    void proposalService
      .jobEnded(jobId, e.state, e.error ?? null)
      .catch((err) => httpLog?.warn({ err: String(err) }, 'proposal follow-up failed'));
  });
  const policy = new ModelPolicyService(registryStore, registry, datasets);
  jobs.limitWith(async (ownerName) => {
    const id = await auth.ownerId(ownerName);
    if (id !== undefined) await quotas.checkJobs(id);
  });
  quotas.measureWith({
    storedBytes: async (id) => (await registry.bytesOwnedBy(id)) + (await datasets.bytesOwnedBy(id)),
    activeJobs: async (id) => jobs.activeFor((await auth.ownerName(id)) ?? ''),
  });
  const marketStore = new MarketStore(db);
  const cards = new CardService(marketStore, registry);
  const documents = () => (market as MarketService).textDocuments();
  const fullText =
    dialect === 'postgres'
      ? new PostgresTsvectorIndex(db, 'listing_text', documents)
      : new SqliteFts5Index(db, 'listing_text', documents);
  market = new MarketService(
    marketStore,
    registry,
    cards,
    datasets,
    new ListingSearch(db, fullText, new FacetCounts(marketStore)),
    fullText,
    (caller, kind, spec) => jobs.submit(caller, kind, spec),
  );
  await market.init();
  benchmarks = new BenchmarkService(new BenchmarkStore(db), blobs, datasets, registry, auth, (caller, kind, spec) =>
    jobs.submit(caller, kind, spec),
  );
  const marketplace = market;
  registry.onVersionCreated((model, version, creator) =>
    cards
      .versionCreated(model, version, creator)
      .catch((err) => httpLog?.warn({ err: String(err) }, 'draft card failed')),
  );
  registry.onForked((source, fork, caller) => cards.forked(source, fork, caller));
  registry.onChange((fullName) =>
    marketplace.modelChanged(fullName).catch((err) => httpLog?.warn({ err: String(err) }, 'listing refresh failed')),
  );
  const usage = new UsageCounter((rows) => marketplace.usageFlushed(rows));
  if (config.usageCounting) inference.onServed((modelId) => usage.prediction(modelId));
  const trendingTimer = setInterval(() => void marketplace.refreshTrending().catch(() => undefined), 600_000);
  trendingTimer.unref();
  const natives = new NativeModels(async (sha) => new Uint8Array(await blobs.read(sha)));
  const predictor = new RecordPredictor(inference, natives);
  const recommendations = new RecommendationService(inference, natives);
  // A deleted model's sessions are unloaded at once rather than waiting for LRU eviction.
  registry.onChange((_model, removed) => {
    for (const id of removed) cache.evictVersion(id);
  });
  shareCacheInvalidation(bus, auth, registry, cache, (msg, fields) => httpLog?.warn(fields ?? {}, msg));

  let draining = false;
  const isReady = () => !draining;
  const behaviour = new BehaviourService(jobs, datasets, auth);
  const http =
    role === 'worker'
      ? buildProbeApp({ logLevel: config.logLevel, isReady, runningJobs: () => runner?.runningCount ?? 0 })
      : await buildHttpApp({
          config,
          auth,
          registry,
          inference,
          datasets,
          jobs,
          predictor,
          lexicons: new LexiconModels(registry, datasets),
          recommendations,
          behaviour,
          market: marketplace,
          benchmarks,
          orgs,
          audit,
          limits,
          discussions,
          proposals: proposalService,
          policy,
          deployments,
          webhooks,
          quotas,
          cards,
          usage,
          metrics,
          isReady,
          processes,
          ...(sharedMetrics && { metricsText: supervisorMetrics }),
          version: SERVER_VERSION,
        });
  httpLog = http.log;
  const grpcServer =
    role === 'worker'
      ? undefined
      : createOipGrpcServer({
          auth,
          inference,
          metrics,
          isReady,
          maxMessageBytes: config.maxInferBytes,
          limits,
        });

  // The versions loaded when the server last stopped, loaded again before it listens.
  await warm?.restore();
  warm?.start();
  await http.listen({ host: config.host, port: config.port });
  const httpPort = (http.server.address() as { port: number }).port;
  const grpcPort = grpcServer
    ? await new Promise<number>((resolve, reject) =>
        grpcServer.bindAsync(
          `${config.host}:${config.grpcPort}`,
          grpcCredentials(config.tlsCert, config.tlsKey),
          (err, port) => (err ? reject(err) : resolve(port)),
        ),
      )
    : 0;
  if (first) await proposalService.resume();
  await runner?.start();
  dispatcher.start();
  const demo =
    config.demo && role === 'api' && first
      ? loadDemo({
          dataDir: config.dataDir,
          auth,
          datasets,
          jobs,
          behaviour,
          registry,
          cards,
          market: marketplace,
          benchmarks,
          log: (msg) => http.log.info(msg),
        }).catch((err: unknown): DemoSummary => {
          const reason = err instanceof Error ? err.message : String(err);
          http.log.error({ err: reason }, 'demo content failed');
          return { loaded: false, reason, published: [], benchmarks: [], seconds: 0 };
        })
      : undefined;
  const scheme = config.tlsCert ? 'https' : 'http';
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      draining = true;
      // Running jobs stay `running` in the table and are requeued at the next start.
      await runner?.close();
      await dispatcher.close();
      await drainListeners(http, grpcServer, config.drainTimeoutMs);
      clearInterval(trendingTimer);
      await usage.close();
      await warm?.close();
      await cache.close();
      await sharedLimiter?.close();
      await bus.close();
      await db.destroy();
    })();
    return closing;
  };

  return {
    httpUrl: `${scheme}://${host}:${httpPort}`,
    httpPort,
    grpcPort,
    generatedAdminToken: generatedToken,
    ...(config.databaseUrl && { databaseUrl: config.databaseUrl }),
    http,
    ...(demo && { demo }),
    close,
  };
}
