import { roleOn } from '../auth/resource-access.js';
import type { Role } from '../auth/roles.js';
import type { Principal } from '../auth/scopes.js';
import { NotFound } from '../errors.js';
import type { ModelEntry, ResolvedVersion, Signature, TrainingDetails } from './model-views.js';
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
      };
    }
    const [versions, aliases, collaborators] = await Promise.all([
      this.store.versions(model.id),
      this.store.aliases(model.id),
      this.collaborators(model.id),
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
    };
  }
}

/** Picks a version: explicit number, else an alias, else alias `champion`, else the latest. */
export function pickVersion(entry: ModelEntry, version?: string): ResolvedVersion {
  let n: number | undefined;
  if (version === undefined || version === '') n = entry.aliases.get('champion') ?? entry.latest ?? undefined;
  else if (/^\d+$/.test(version)) n = Number(version);
  else n = entry.aliases.get(version);
  const v = n === undefined ? undefined : entry.versions.get(n);
  if (!v) {
    throw new NotFound(
      version ? `model "${entry.fullName}" has no version "${version}"` : `model "${entry.fullName}" has no versions`,
    );
  }
  return v;
}

function visible(caller: Principal, e: ModelEntry): ModelEntry {
  const row = { owner_id: e.ownerId, visibility: e.visibility, id: e.id, kind: 'model' as const };
  if (e.id < 0 || !roleOn(caller, row, e.collaborators.get(caller.userId))) {
    throw new NotFound(`unknown model "${e.fullName}"`);
  }
  return e;
}
