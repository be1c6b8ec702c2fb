import type { Readable } from 'node:stream';
import { InvalidOnnxModel, readOnnxModelInfo } from '@marquee/engine';
import { Conflict, Forbidden, Invalid, NotFound, PayloadTooLarge } from '../api/errors.js';
import type { AuthService } from '../auth/auth-service.js';
import { hasScope, type Principal } from '../auth/scopes.js';
import { type BlobStore, BlobTooLarge } from '../store/blobs/blob-store.js';
import { type Db, nowIso } from '../store/database.js';
import type { ModelsTable } from '../store/schema.js';
import type { ModelEntry, ModelView, ResolvedVersion, Signature, VersionView, Visibility } from './model-views.js';
import { ALIAS_NAME, OWNER_NAME, RESOURCE_NAME } from './names.js';

/** Loads an artifact in the runtime that will serve it; throws when it cannot. */
export type ArtifactValidator = (path: string, signature: Signature) => Promise<void>;

export interface CreateModelInput {
  owner: string;
  name: string;
  task: string;
  visibility: Visibility;
  description?: string;
  tags?: string[];
  license?: string;
}

const ENTRY_TTL_MS = 2_000;

/**
 * The model registry: models, their immutable versions and movable aliases. It owns the
 * models/model_versions/model_aliases tables; other domains call it. A private model the
 * caller may not see is answered as not found, so its existence does not leak.
 */
export class RegistryService {
  private entries = new Map<string, { entry: ModelEntry; until: number }>();
  private listeners: Array<(fullName: string) => void> = [];

  constructor(
    private readonly db: Db,
    private readonly blobs: BlobStore,
    private readonly auth: AuthService,
    private readonly validateArtifact: ArtifactValidator,
  ) {}

  /** Called with a model's full name whenever it changes (versions, aliases, deletion). */
  onChange(listener: (fullName: string) => void): void {
    this.listeners.push(listener);
  }

  async createModel(caller: Principal, input: CreateModelInput): Promise<ModelView> {
    if (!OWNER_NAME.test(input.owner)) throw new Invalid(`owner must match ${OWNER_NAME.source}`);
    if (!RESOURCE_NAME.test(input.name)) throw new Invalid(`name must match ${RESOURCE_NAME.source}`);
    const ownerId = await this.auth.ownerId(input.owner);
    if (ownerId === undefined) throw new NotFound(`no owner "${input.owner}"`);
    if (ownerId !== caller.userId && !caller.isAdmin) {
      throw new Forbidden(`you cannot create models for "${input.owner}"`);
    }
    const now = nowIso();
    try {
      await this.db
        .insertInto('models')
        .values({
          owner_id: ownerId,
          name: input.name,
          task: input.task,
          visibility: input.visibility,
          description: input.description ?? '',
          tags: JSON.stringify(input.tags ?? []),
          license: input.license ?? '',
          created_at: now,
          updated_at: now,
        })
        .execute();
    } catch (err) {
      if (/UNIQUE|unique/.test(String(err))) throw new Conflict(`model ${input.owner}/${input.name} exists`);
      throw err;
    }
    return this.getModel(caller, input.owner, input.name);
  }

  async getModel(caller: Principal | undefined, owner: string, name: string): Promise<ModelView> {
    const row = await this.visibleModel(caller, owner, name);
    return this.toView(row, owner);
  }

  async updateModel(
    caller: Principal,
    owner: string,
    name: string,
    patch: Partial<Pick<CreateModelInput, 'task' | 'visibility' | 'description' | 'tags' | 'license'>>,
  ): Promise<ModelView> {
    const row = await this.writableModel(caller, owner, name);
    await this.db
      .updateTable('models')
      .set({
        ...(patch.task !== undefined && { task: patch.task }),
        ...(patch.visibility !== undefined && { visibility: patch.visibility }),
        ...(patch.description !== undefined && { description: patch.description }),
        ...(patch.tags !== undefined && { tags: JSON.stringify(patch.tags) }),
        ...(patch.license !== undefined && { license: patch.license }),
        updated_at: nowIso(),
      })
      .where('id', '=', row.id)
      .execute();
    this.changed(`${owner}/${name}`);
    return this.getModel(caller, owner, name);
  }

  async deleteModel(caller: Principal, owner: string, name: string): Promise<void> {
    const row = await this.writableModel(caller, owner, name);
    const shas = await this.db.selectFrom('model_versions').select('sha256').where('model_id', '=', row.id).execute();
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('model_aliases').where('model_id', '=', row.id).execute();
      await tx.deleteFrom('model_versions').where('model_id', '=', row.id).execute();
      await tx.deleteFrom('models').where('id', '=', row.id).execute();
    });
    for (const { sha256 } of shas) await this.deleteBlobIfUnused(sha256);
    this.changed(`${owner}/${name}`);
  }

  /**
   * Streams an ONNX artifact into the blob store, reads its signature from the graph,
   * loads it once in the runtime, and only then registers the next version number. A file
   * that is not a valid model is removed again and nothing is registered.
   */
  async createVersion(
    caller: Principal,
    owner: string,
    name: string,
    body: Readable,
    maxBytes: number,
  ): Promise<VersionView> {
    const model = await this.writableModel(caller, owner, name);
    let blob: { sha256: string; size: number };
    try {
      blob = await this.blobs.put(body, maxBytes);
    } catch (err) {
      if (err instanceof BlobTooLarge) throw new PayloadTooLarge(`a model artifact may have at most ${maxBytes} bytes`);
      throw err;
    }
    let signature: Signature;
    try {
      if (blob.size === 0) throw new InvalidOnnxModel('the body is empty');
      const info = readOnnxModelInfo(await this.blobs.read(blob.sha256));
      signature = { inputs: info.inputs, outputs: info.outputs };
      await this.validateArtifact(this.blobs.path(blob.sha256), signature);
    } catch (err) {
      await this.deleteBlobIfUnused(blob.sha256);
      const reason = err instanceof Error ? err.message : String(err);
      throw new Invalid(`not a valid ONNX model: ${reason.replace(/^not an ONNX model: /, '')}`);
    }
    const version = await this.db.transaction().execute(async (tx) => {
      const last = await tx
        .selectFrom('model_versions')
        .select((eb) => eb.fn.max('version').as('max'))
        .where('model_id', '=', model.id)
        .executeTakeFirst();
      const next = Number(last?.max ?? 0) + 1;
      await tx
        .insertInto('model_versions')
        .values({
          model_id: model.id,
          version: next,
          format: 'onnx',
          sha256: blob.sha256,
          size_bytes: blob.size,
          signature: JSON.stringify(signature),
          created_by: caller.userId,
          created_at: nowIso(),
        })
        .execute();
      await tx.updateTable('models').set({ updated_at: nowIso() }).where('id', '=', model.id).execute();
      return next;
    });
    this.changed(`${owner}/${name}`);
    return this.getVersion(caller, owner, name, version);
  }

  async listVersions(caller: Principal | undefined, owner: string, name: string): Promise<VersionView[]> {
    const model = await this.visibleModel(caller, owner, name);
    const rows = await this.versionQuery().where('model_versions.model_id', '=', model.id).orderBy('version').execute();
    return rows.map((r) => toVersionView(`${owner}/${name}`, r));
  }

  async getVersion(caller: Principal | undefined, owner: string, name: string, version: number): Promise<VersionView> {
    const model = await this.visibleModel(caller, owner, name);
    const row = await this.versionQuery()
      .where('model_versions.model_id', '=', model.id)
      .where('model_versions.version', '=', version)
      .executeTakeFirst();
    if (!row) throw new NotFound(`model ${owner}/${name} has no version ${version}`);
    return toVersionView(`${owner}/${name}`, row);
  }

  /** The local path of a version's artifact, for download. */
  async artifactPath(
    caller: Principal | undefined,
    owner: string,
    name: string,
    version: number,
  ): Promise<{ path: string; view: VersionView }> {
    const view = await this.getVersion(caller, owner, name, version);
    return { path: this.blobs.path(view.sha256), view };
  }

  async setAlias(caller: Principal, owner: string, name: string, alias: string, version: number): Promise<ModelView> {
    if (!ALIAS_NAME.test(alias)) throw new Invalid(`alias must match ${ALIAS_NAME.source}`);
    if (/^\d+$/.test(alias) || alias === 'latest') throw new Invalid(`"${alias}" is reserved`);
    const model = await this.writableModel(caller, owner, name);
    const exists = await this.db
      .selectFrom('model_versions')
      .select('id')
      .where('model_id', '=', model.id)
      .where('version', '=', version)
      .executeTakeFirst();
    if (!exists) throw new Invalid(`model ${owner}/${name} has no version ${version}`);
    const now = nowIso();
    await this.db
      .insertInto('model_aliases')
      .values({ model_id: model.id, alias, version, updated_at: now })
      .onConflict((oc) => oc.columns(['model_id', 'alias']).doUpdateSet({ version, updated_at: now }))
      .execute();
    this.changed(`${owner}/${name}`);
    return this.getModel(caller, owner, name);
  }

  async deleteAlias(caller: Principal, owner: string, name: string, alias: string): Promise<void> {
    const model = await this.writableModel(caller, owner, name);
    const res = await this.db
      .deleteFrom('model_aliases')
      .where('model_id', '=', model.id)
      .where('alias', '=', alias)
      .executeTakeFirst();
    if (Number(res.numDeletedRows) === 0) throw new NotFound(`model ${owner}/${name} has no alias "${alias}"`);
    this.changed(`${owner}/${name}`);
  }

  /**
   * The model entry for the predict path, cached for a short time and dropped on any
   * change made through this service. Hidden and unknown models are both NotFound.
   */
  async entryFor(caller: Principal, fullName: string): Promise<ModelEntry> {
    const cached = this.cachedEntry(caller, fullName);
    if (cached) return cached;
    const entry = await this.loadEntry(fullName);
    if (this.entries.size > 5_000) this.entries.clear();
    this.entries.set(fullName, { entry, until: Date.now() + ENTRY_TTL_MS });
    return this.visibleEntry(caller, entry);
  }

  /** entryFor without the database: undefined when the entry is not cached (or stale). */
  cachedEntry(caller: Principal, fullName: string): ModelEntry | undefined {
    const cached = this.entries.get(fullName);
    if (!cached || cached.until <= Date.now()) return undefined;
    return this.visibleEntry(caller, cached.entry);
  }

  private visibleEntry(caller: Principal, e: ModelEntry): ModelEntry {
    if (e.id < 0 || (e.visibility !== 'public' && e.ownerId !== caller.userId && !caller.isAdmin)) {
      throw new NotFound(`unknown model "${e.fullName}"`);
    }
    return e;
  }

  /** Picks a version: explicit number, else alias `champion`, else the latest. */
  pickVersion(entry: ModelEntry, version?: string): ResolvedVersion {
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

  private async loadEntry(fullName: string): Promise<ModelEntry> {
    const [owner, name] = fullName.split('/') as [string, string];
    const missing: ModelEntry = {
      id: -1,
      ownerId: -1,
      fullName,
      visibility: 'private',
      versions: new Map(),
      aliases: new Map(),
      latest: null,
      versionList: [],
    };
    const model = await this.modelRow(owner, name);
    if (!model) return missing;
    const versions = await this.db
      .selectFrom('model_versions')
      .select(['id', 'version', 'sha256', 'size_bytes', 'signature'])
      .where('model_id', '=', model.id)
      .orderBy('version')
      .execute();
    const aliases = await this.db
      .selectFrom('model_aliases')
      .select(['alias', 'version'])
      .where('model_id', '=', model.id)
      .execute();
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
    };
  }

  private changed(fullName: string): void {
    this.entries.delete(fullName);
    for (const l of this.listeners) l(fullName);
  }

  private async deleteBlobIfUnused(sha256: string): Promise<void> {
    const used = await this.db
      .selectFrom('model_versions')
      .select('id')
      .where('sha256', '=', sha256)
      .executeTakeFirst();
    if (!used) await this.blobs.delete(sha256);
  }

  private async modelRow(owner: string, name: string) {
    return this.db
      .selectFrom('models')
      .innerJoin('owners', 'owners.id', 'models.owner_id')
      .selectAll('models')
      .where('owners.name', '=', owner)
      .where('models.name', '=', name)
      .executeTakeFirst();
  }

  private async visibleModel(caller: Principal | undefined, owner: string, name: string) {
    const row = await this.modelRow(owner, name);
    const visible =
      row && (row.visibility === 'public' || (caller && (caller.userId === row.owner_id || caller.isAdmin)));
    if (!row || !visible) throw new NotFound(`no model ${owner}/${name}`);
    return row;
  }

  private async writableModel(caller: Principal, owner: string, name: string) {
    const row = await this.visibleModel(caller, owner, name);
    if (!hasScope(caller, 'write')) throw new Forbidden('this call needs a token with the "write" scope');
    if (row.owner_id !== caller.userId && !caller.isAdmin) throw new Forbidden(`you cannot change ${owner}/${name}`);
    return row;
  }

  private versionQuery() {
    return this.db
      .selectFrom('model_versions')
      .innerJoin('owners', 'owners.id', 'model_versions.created_by')
      .select([
        'model_versions.version',
        'model_versions.sha256',
        'model_versions.size_bytes',
        'model_versions.signature',
        'model_versions.created_at',
        'owners.name as created_by',
      ]);
  }

  private async toView(row: { id: number } & Omit<ModelsTable, 'id'>, owner: string): Promise<ModelView> {
    const versions = await this.db
      .selectFrom('model_versions')
      .select('version')
      .where('model_id', '=', row.id)
      .execute();
    const aliases = await this.db
      .selectFrom('model_aliases')
      .select(['alias', 'version'])
      .where('model_id', '=', row.id)
      .execute();
    return {
      owner,
      name: row.name,
      fullName: `${owner}/${row.name}`,
      task: row.task,
      visibility: row.visibility,
      description: row.description,
      tags: JSON.parse(row.tags) as string[],
      license: row.license,
      latestVersion: versions.length ? Math.max(...versions.map((v) => v.version)) : null,
      aliases: Object.fromEntries(aliases.map((a) => [a.alias, a.version])),
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }
}

function toVersionView(
  model: string,
  r: { version: number; sha256: string; size_bytes: number; signature: string; created_at: string; created_by: string },
): VersionView {
  return {
    model,
    version: r.version,
    format: 'onnx',
    sha256: r.sha256,
    sizeBytes: r.size_bytes,
    signature: JSON.parse(r.signature) as Signature,
    createdBy: r.created_by,
    createdAt: r.created_at,
  };
}
