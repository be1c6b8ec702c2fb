import { roleOn } from '../auth/resource-access.js';
import type { Role } from '../auth/roles.js';
import type { Principal } from '../auth/scopes.js';
import { NotFound } from '../errors.js';
import type { ModelEntry, ResolvedVersion, Signature, TrafficSplit, TrainingDetails } from './model-views.js';
import type { RegistryStore } from './registry-store.js';

const ENTRY_TTL_MS = 2_000;
const MAX_ENTRIES = 5_000;

/**
 * The predict path's view of models: each model's versions and aliases, loaded once and
 * kept for a short time (or until the registry says the model changed), so a request on
 * a warm model reaches no database. Unknown models are cached too, as entries nobody may
 * see, so a flood of requests for a wrong name costs one query per interval.
 */
export class ModelEntries {
  private entries = new Map<string, { entry: ModelEntry; until: number }>();

  /** The serving domain's rollouts (none until it says). */
  splits: (modelId: number) => Promise<TrafficSplit[]> = async () => [];

  constructor(
    private readonly store: RegistryStore,
    private readonly collaborators: (modelId: number) => Promise<ReadonlyMap<number, Role>>,
  ) {}

  async get(caller: Principal, fullName: string): Promise<ModelEntry> {
    const cached = this.cached(caller, fullName);
    if (cached) return cached;
    const entry = await this.load(fullName);
    if (this.entries.size > MAX_ENTRIES) this.entries.clear();
    this.entries.set(fullName, { entry, until: Date.now() + ENTRY_TTL_MS });
    return visible(caller, entry);
  }

  /** `get` without the database: undefined when the entry is not cached (or stale). */
  cached(caller: Principal, fullName: string): ModelEntry | undefined {
    const cached = this.entries.get(fullName);
    if (!cached || cached.until <= Date.now()) return undefined;
    return visible(caller, cached.entry);
  }

  forget(fullName: string): void {
    this.entries.delete(fullName);
  }

  forgetAll(): void {
    this.entries.clear();
  }

  private async load(fullName: string): Promise<ModelEntry> {
    const [owner, name] = fullName.split('/') as [string, string];
    const model = await this.store.modelRow(owner, name);
    if (!model) {
      return {
        id: -1,
        ownerId: -1,
        fullName,
        visibility: 'private',
        versions: new Map(),
        aliases: new Map(),
        latest: null,
        versionList: [],
        collaborators: new Map(),
        splits: new Map(),
      };
    }
    const [versions, aliases, collaborators, splits] = await Promise.all([
      this.store.versions(model.id),
      this.store.aliases(model.id),
      this.collaborators(model.id),
      this.splits(model.id),
    ]);
    const map = new Map<number, ResolvedVersion>();
    for (const v of versions) {
      map.set(v.version, {
        modelId: model.id,
        fullName,
        versionId: v.id,
        version: v.version,
        sha256: v.sha256,
        sizeBytes: v.size_bytes,
        signature: JSON.parse(v.signature) as Signature,
        format: v.format,
        nativeSha256: v.native_sha256,
        details: v.details ? (JSON.parse(v.details) as TrainingDetails) : null,
      });
    }
    return {
      id: model.id,
      ownerId: model.owner_id,
      fullName,
      visibility: model.visibility,
      versions: map,
      aliases: new Map(aliases.map((a) => [a.alias, a.version])),
      latest: versions.at(-1)?.version ?? null,
      versionList: versions.map((v) => v.version),
      collaborators,
      splits: new Map(splits.map((t) => [t.alias, t])),
    };
  }
}

/**
 * Picks a version: explicit number, else an alias, else alias `champion`, else the
 * latest. An alias under a rollout picks one of its routes by the caller, or by the
 * request's key when the rollout is sticky by key (the same key, the same version);
 * without routing keys, the alias's own version.
 */
export function pickVersion(entry: ModelEntry, version?: string, route?: RoutingKeys): ResolvedVersion {
  let n: number | undefined;
  const alias = version === undefined || version === '' ? 'champion' : /^\d+$/.test(version) ? undefined : version;
  if (alias === undefined) n = Number(version);
  else {
    n = entry.aliases.get(alias);
    const split = n !== undefined && route !== undefined ? entry.splits.get(alias) : undefined;
    if (split && route) {
      const key = split.sticky === 'key' && route.key ? `key:${route.key}` : `caller:${route.caller}`;
      n = routeOf(split, `${entry.id}:${alias}:${key}`);
    }
    if (n === undefined && alias === 'champion' && !version) n = entry.latest ?? undefined;
  }
  const v = n === undefined ? undefined : entry.versions.get(n);
  if (!v) {
    throw new NotFound(
      version ? `model "${entry.fullName}" has no version "${version}"` : `model "${entry.fullName}" has no versions`,
    );
  }
  return v;
}

/** A stable bucket in [0, total weight) from the key (FNV-1a), then the route that owns it. */
export function routeOf(split: TrafficSplit, key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  const total = split.routes.reduce((s, r) => s + r.weight, 0);
  let bucket = (h % 10_000) * (total / 10_000);
  for (const r of split.routes) {
    if (bucket < r.weight) return r.version;
    bucket -= r.weight;
  }
  return (split.routes.at(-1) as { version: number }).version;
}

/** Who is asking, for a rollout's stickiness: the caller, and a key the request may carry. */
export interface RoutingKeys {
  caller: string;
  key?: string;
}

function visible(caller: Principal, e: ModelEntry): ModelEntry {
  const row = { owner_id: e.ownerId, visibility: e.visibility, id: e.id, kind: 'model' as const };
  if (e.id < 0 || !roleOn(caller, row, e.collaborators.get(caller.userId))) {
    throw new NotFound(`unknown model "${e.fullName}"`);
  }
  return e;
}
