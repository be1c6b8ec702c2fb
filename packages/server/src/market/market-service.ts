import type { Principal } from '../auth/scopes.js';
import type { DatasetService } from '../datasets/dataset-service.js';
import { Invalid, NotFound } from '../errors.js';
import type { JobView } from '../jobs/job-service.js';
import type { ModelView } from '../registry/model-views.js';
import type { ModelRef, RegistryService } from '../registry/registry-service.js';
import type { FullTextIndex } from '../store/full-text/full-text-index.js';
import type { CardService } from './card-service.js';
import type { ListingSearch, SearchQuery } from './listing-search.js';
import type { ListingFields, ListingRow, MarketStore } from './market-store.js';
import { metricKey } from './metric-names.js';
import { licenseId } from './model-card.js';
import type { PublishSpec, PublishWorkerResult } from './publish-messages.js';
import { type VerificationReport, verify } from './verification-report.js';

/** A published model as the marketplace shows it. */
export interface ListingView {
  model: string;
  owner: string;
  name: string;
  task: string;
  license: string;
  tags: string[];
  description: string;
  visibility: 'public' | 'internal' | 'private';
  publishedVersion: number;
  /** Always true: only versions that passed the quality gate are listed. */
  verified: true;
  /** What the platform measured for the published version. */
  metrics: Record<string, number>;
  likes: number;
  downloads: number;
  trending: number;
  publishedAt: string;
  updatedAt: string;
}

/** Queues a job of a kind (the job service's submit). */
export type SubmitJob = (caller: Principal, kind: 'publish', spec: object) => Promise<JobView>;

const DAY_MS = 86_400_000;
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * The marketplace's rules: publishing through the quality gate, listings kept in step
 * with their models, likes, usage and the trending score, search. Only the platform's
 * own measurements are listed; a failed gate lists nothing.
 */
export class MarketService {
  constructor(
    private readonly store: MarketStore,
    private readonly registry: RegistryService,
    private readonly cards: CardService,
    private readonly datasets: DatasetService,
    private readonly searcher: ListingSearch,
    private readonly text: FullTextIndex,
    private readonly submitJob: SubmitJob,
  ) {}

  /** Creates the full-text index when it is new (filled from the listings). */
  init(): Promise<void> {
    return this.text.init();
  }

  /** What a model's page adds to the registry's view: card state, listing, popularity. */
  async describe(caller: Principal | undefined, model: ModelView): Promise<Record<string, unknown>> {
    const ref = await this.registry.modelRef(caller, model.owner, model.name, 'read');
    const [listing, likes, usage, card] = await Promise.all([
      this.store.listing(ref.id),
      this.store.likes(ref.id, caller?.userId),
      this.store.usage(ref.id, dayOf(Date.now() - 29 * DAY_MS)),
      this.store.card(ref.id),
    ]);
    return {
      card: {
        exists: card !== undefined,
        generated: !card || card.generated === 1,
        updatedAt: card?.updated_at ?? null,
      },
      publishedVersion: listing?.version ?? null,
      verified: listing !== undefined,
      listing: listing ? toListingView(listing) : null,
      likes: likes.count,
      liked: likes.liked,
      downloads: usage.downloads,
      usage: { predictions: usage.predictions, downloads: usage.downloads, last30Days: usage.days },
      trending: listing?.trending ?? (await this.trendingOf(ref.id)),
    };
  }

  async like(
    caller: Principal,
    owner: string,
    name: string,
    liked: boolean,
  ): Promise<{ likes: number; liked: boolean }> {
    const ref = await this.registry.modelRef(caller, owner, name, 'read');
    if (liked) await this.store.like(ref.id, caller.userId);
    else await this.store.unlike(ref.id, caller.userId);
    await this.refreshStats(ref.id);
    const likes = await this.store.likes(ref.id, caller.userId);
    return { likes: likes.count, liked: likes.liked };
  }

  /**
   * Queues the quality gate for a version. Only the model's owner (or an admin) may
   * publish. An uploaded ONNX version is evaluated on a dataset version its publisher
   * names; a trained one has its held-out evaluation already.
   */
  async publish(
    caller: Principal,
    owner: string,
    name: string,
    req: { version: number; evaluation?: PublishSpec['evaluation'] },
  ): Promise<JobView> {
    await this.registry.modelRef(caller, owner, name, 'write');
    const { version } = req;
    const evaluation = req.evaluation && { ...req.evaluation };
    const v = await this.registry.getVersion(caller, owner, name, version);
    if (evaluation) {
      const data = await this.datasets.resolve(caller, evaluation.dataset);
      const columns = data.schema.columns.map((c) => c.name);
      for (const c of [evaluation.target, ...(evaluation.features ?? [])]) {
        if (!columns.includes(c))
          throw new Invalid(`dataset ${data.ref} has no column "${c}" (columns: ${columns.join(', ')})`);
      }
      evaluation.dataset = data.ref;
    }
    const spec: PublishSpec = { model: `${owner}/${name}`, version: v.version, ...(evaluation && { evaluation }) };
    return this.submitJob(caller, 'publish', spec);
  }

  /** The gate's verdict on what the publish worker measured; lists the version when every check passed. */
  async commitPublish(creator: Principal, spec: PublishSpec, worker: PublishWorkerResult): Promise<VerificationReport> {
    const [owner, name] = spec.model.split('/') as [string, string];
    const model = await this.registry.modelRef(creator, owner, name, 'write');
    const version = await this.registry.getVersion(creator, owner, name, spec.version);
    const card = await this.cards.stored(model.id);
    const license = licenseId(card?.metadata.license ?? model.license) ?? null;
    let measured: Parameters<typeof verify>[0]['measured'] = null;
    if (version.details && Object.keys(version.details.metrics).length) {
      measured = {
        metrics: version.details.metrics,
        source: `the held-out ${version.details.nTest} rows of ${version.details.lineage.dataset}`,
      };
    } else if (worker.evaluation) {
      measured =
        'error' in worker.evaluation
          ? { error: worker.evaluation.error }
          : {
              metrics: worker.evaluation.metrics,
              source: `${worker.evaluation.rows} rows of ${worker.evaluation.dataset}`,
            };
    }
    const report = verify({
      model: spec.model,
      version: spec.version,
      description: model.description,
      card: card && { metadata: card.metadata, body: card.body },
      license,
      hasSignature: version.signature.inputs.length > 0 && version.signature.outputs.length > 0,
      measured,
      worker,
    });
    await this.registry.setVerification(model.id, spec.version, report as unknown as Record<string, unknown>);
    if (report.passed) {
      const metrics = Object.fromEntries(Object.entries(report.metrics).map(([k, v]) => [metricKey(k), v]));
      await this.store.putListing(model.id, fieldsOf(model), { version: spec.version, metrics, by: creator.userId });
      await this.refreshStats(model.id);
      await this.indexText(model.id);
    }
    return report;
  }

  async unpublish(caller: Principal, owner: string, name: string): Promise<void> {
    const model = await this.registry.modelRef(caller, owner, name, 'write');
    if (!(await this.store.deleteListing(model.id))) throw new NotFound(`model ${owner}/${name} is not published`);
    await this.text.remove(model.id);
  }

  async search(caller: Principal | undefined, q: SearchQuery) {
    const sort = q.sort?.startsWith('metric:') ? (`metric:${metricKey(q.sort.slice(7))}` as const) : q.sort;
    const answer = await this.searcher.search(caller, { ...q, ...(sort && { sort }) });
    return { ...answer, items: answer.items.map(toListingView), page: q.page, limit: q.limit };
  }

  /** A model changed: its listing (if any) takes its new name fields, visibility and card text. */
  async modelChanged(fullName: string): Promise<void> {
    const model = await this.registry.modelByName(fullName);
    if (!model) return;
    if (await this.store.refreshListing(model.id, fieldsOf(model))) await this.indexText(model.id);
  }

  /** Counted usage arrived: the counts and trending scores of those listings change. */
  async usageFlushed(rows: Array<{ modelId: number; day: string; downloads: number; predictions: number }>) {
    await this.store.addUsage(rows);
    for (const id of new Set(rows.map((r) => r.modelId))) await this.refreshStats(id);
  }

  /** Recomputes trending for every listing with recent activity (scores decay day by day). */
  async refreshTrending(): Promise<void> {
    for (const id of await this.store.activeSince(dayOf(Date.now() - 8 * DAY_MS))) await this.refreshStats(id);
  }

  private async refreshStats(modelId: number): Promise<void> {
    if (!(await this.store.listing(modelId))) return;
    const [likes, usage, trending] = await Promise.all([
      this.store.likes(modelId),
      this.store.usage(modelId, '9999'),
      this.trendingOf(modelId),
    ]);
    await this.store.setListingStats(modelId, { likes: likes.count, downloads: usage.downloads, trending });
  }

  /**
   * The trending score: over the last 7 days, each day's downloads + 3 × new likes +
   * ln(1 + predictions), weighted 0.8^age so that yesterday counts more than last week.
   */
  private async trendingOf(modelId: number): Promise<number> {
    const since = dayOf(Date.now() - 6 * DAY_MS);
    const [usage, likes] = await Promise.all([this.store.usage(modelId, since), this.store.likesByDay(modelId, since)]);
    const today = Date.parse(dayOf(Date.now()));
    const byDay = new Map(usage.days.map((d) => [d.day, d]));
    let score = 0;
    for (let age = 0; age < 7; age++) {
      const day = dayOf(today - age * DAY_MS);
      const u = byDay.get(day);
      const activity = (u?.downloads ?? 0) + 3 * (likes.get(day) ?? 0) + Math.log1p(u?.predictions ?? 0);
      score += 0.8 ** age * activity;
    }
    return Math.round(score * 1000) / 1000;
  }

  private async indexText(modelId: number): Promise<void> {
    const listing = await this.store.listing(modelId);
    if (!listing) return;
    const card = await this.store.card(modelId);
    await this.text.put(modelId, {
      name: `${listing.name} ${listing.owner}`,
      tags: (JSON.parse(listing.tags) as string[]).join(' '),
      description: listing.description,
      body: card?.markdown ?? '',
    });
  }

  /** For building the full-text index anew. */
  async textDocuments() {
    const out = [];
    for (const l of await this.store.allListings()) {
      const card = await this.store.card(l.model_id);
      out.push({
        id: l.model_id,
        name: `${l.name} ${l.owner}`,
        tags: (JSON.parse(l.tags) as string[]).join(' '),
        description: l.description,
        body: card?.markdown ?? '',
      });
    }
    return out;
  }
}

function fieldsOf(model: ModelRef): ListingFields {
  return {
    owner_id: model.ownerId,
    owner: model.owner,
    name: model.name,
    task: model.task,
    license: licenseId(model.license) ?? model.license,
    tags: JSON.stringify(model.tags),
    description: model.description,
    visibility: model.visibility,
  };
}

function toListingView(l: ListingRow): ListingView {
  return {
    model: `${l.owner}/${l.name}`,
    owner: l.owner,
    name: l.name,
    task: l.task,
    license: l.license,
    tags: JSON.parse(l.tags) as string[],
    description: l.description,
    visibility: l.visibility,
    publishedVersion: l.version,
    verified: true,
    metrics: JSON.parse(l.metrics) as Record<string, number>,
    likes: l.likes,
    downloads: l.downloads,
    trending: l.trending,
    publishedAt: l.published_at,
    updatedAt: l.updated_at,
  };
}
