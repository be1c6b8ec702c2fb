import type { Readable } from 'node:stream';
import type { AuthService } from '../auth/auth-service.js';
import { type CollaboratorLookup, NO_COLLABORATORS } from '../auth/collaborator-lookup.js';
import { canCreateFor, viewerOf } from '../auth/resource-access.js';
import type { Role } from '../auth/roles.js';
import type { Principal } from '../auth/scopes.js';
import { Conflict, Forbidden, Invalid, NotFound } from '../errors.js';
import type { BlobStore } from '../store/blobs/blob-store.js';
import type { OwnedListQuery } from '../store/owned-listing.js';
import { ArtifactIntake, type ArtifactValidator, type StorageCheck } from './artifact-intake.js';
import { checkUploadedExample } from './example-request.js';
import { ModelAccess } from './model-access.js';
import { ModelEntries, pickVersion, type RoutingKeys } from './model-entries.js';
import { toModelView } from './model-view.js';
import type {
  ExampleRequest,
  ModelEntry,
  ModelView,
  ResolvedVersion,
  Signature,
  TrafficSplit,
  TrainingDetails,
  VersionView,
  Visibility,
} from './model-views.js';
import { ALIAS_NAME, OWNER_NAME, RESOURCE_NAME } from './names.js';
import type { ModelRow, RegistryStore } from './registry-store.js';
import { toVersionView } from './version-view.js';

export type { ArtifactValidator } from './artifact-intake.js';

/** Told about every change to a model; `removedVersionIds` lists versions that are gone. */
/** A listener that returns a promise is waited for: what it derives (the listing) is current when the change answers. */
export type RegistryListener = (fullName: string, removedVersionIds: number[]) => void | Promise<void>;

/** Told about every new version, after it is registered. */
/** A model's view with the ids other domains key their data by. */
export type ModelRef = ModelView & { id: number; ownerId: number };

export type VersionListener = (model: ModelRef, version: VersionView, creator: Principal) => Promise<void>;

export type ForkListener = (source: ModelRef, fork: ModelRef, caller: Principal) => Promise<void>;

export interface CreateModelInput {
  owner: string;
  name: string;
  task: string;
  visibility: Visibility;
  description?: string;
  tags?: string[];
  license?: string;
}

export type ModelPatch = Partial<Pick<CreateModelInput, 'task' | 'visibility' | 'description' | 'tags' | 'license'>>;

/**
 * The model registry's rules: who may see and change a model, how a version comes to
 * be, which version an alias or a bare name means. Its tables are reached only through
 * RegistryStore; other domains call this service. A private model the caller may not see
 * is answered as not found, so its existence does not leak.
 */
export class RegistryService {
  private readonly entries: ModelEntries;
  private readonly artifacts: ArtifactIntake;
  /** Who may see or change a model (the policy service asks the same). */
  readonly access: ModelAccess;
  private listeners: RegistryListener[] = [];
  private versionListeners: VersionListener[] = [];
  private forkListeners: ForkListener[] = [];

  constructor(
    private readonly store: RegistryStore,
    blobs: BlobStore,
    private readonly auth: AuthService,
    validateArtifact: ArtifactValidator,
    private readonly collaborators: CollaboratorLookup = NO_COLLABORATORS,
    /** Throws when the owner may not hold this many more bytes (the quotas domain). */
    private readonly checkStorage: StorageCheck = async () => {},
  ) {
    this.artifacts = new ArtifactIntake(store, blobs, validateArtifact, checkStorage);
    this.entries = new ModelEntries(store, (id) => collaborators.roles('model', id));
    this.access = new ModelAccess(store, collaborators);
  }

  onChange(listener: RegistryListener): void {
    this.listeners.push(listener);
  }

  onVersionCreated(listener: VersionListener): void {
    this.versionListeners.push(listener);
  }

  /** Told about every fork, after it is made (the marketplace copies the card). */
  onForked(listener: ForkListener): void {
    this.forkListeners.push(listener);
  }

  /**
   * Forks a model the caller may see into an owner they may create models for: its
   * versions (the same blobs, nothing copied), aliases and, through the listeners, its
   * card. The fork records where it came from. Its visibility is the source's when
   * public, else private, unless the caller names one.
   */
  async forkModel(
    caller: Principal,
    owner: string,
    name: string,
    to: { owner: string; name: string; visibility?: Visibility },
  ): Promise<ModelView> {
    const source = await this.visibleModel(caller, owner, name);
    if (!RESOURCE_NAME.test(to.name)) throw new Invalid(`name must match ${RESOURCE_NAME.source}`);
    const ownerId = await this.auth.ownerId(to.owner);
    if (ownerId === undefined) throw new NotFound(`no owner "${to.owner}"`);
    if (!canCreateFor(caller, ownerId)) throw new Forbidden(`you cannot create models for "${to.owner}"`);
    const bytes = (await this.store.versions(source.id)).reduce((sum, v) => sum + v.size_bytes, 0);
    await this.checkStorage(ownerId, bytes);
    const id = await this.store.forkModel(
      source.id,
      {
        owner_id: ownerId,
        name: to.name,
        task: source.task,
        visibility: to.visibility ?? (source.visibility === 'public' ? 'public' : 'private'),
        description: source.description,
        tags: source.tags,
        license: source.license,
        forked_from: `${owner}/${name}`,
        // The evaluation data may be a dataset the fork's owner cannot read: its admins choose their own.
        evaluation: null,
      },
      caller.userId,
    );
    if (id === undefined) throw new Conflict(`model ${to.owner}/${to.name} exists`);
    await this.creatorKeepsAccess(caller, ownerId, to.owner, to.name);
    await this.changed(`${to.owner}/${to.name}`);
    const [from, fork] = await Promise.all([
      this.modelRef(caller, owner, name, 'read'),
      this.modelRef(caller, to.owner, to.name, 'read'),
    ]);
    for (const l of this.forkListeners) await l(from, fork, caller);
    return this.getModel(caller, to.owner, to.name);
  }

  /** A model's id and view when the caller may read it (or, with `write`, change it). */
  async modelRef(caller: Principal | undefined, owner: string, name: string, need: Role): Promise<ModelRef> {
    const row =
      need === 'read'
        ? await this.visibleModel(caller, owner, name)
        : await this.writableModel(caller as Principal, owner, name, need);
    return { ...(await this.toView(row, owner)), id: row.id, ownerId: row.owner_id };
  }

  /** A model by `owner/name` for domains that keep per-model data (no access check: not for answers). */
  async modelByName(fullName: string): Promise<ModelRef | undefined> {
    const [owner, name] = fullName.split('/') as [string, string];
    const row = await this.store.modelRow(owner, name);
    return row ? { ...(await this.toView(row, owner)), id: row.id, ownerId: row.owner_id } : undefined;
  }

  /** Sets the example request of an uploaded version (checked against its signature). */
  async setExample(
    caller: Principal,
    owner: string,
    name: string,
    version: number,
    inputs: Array<{ name: string; datatype: string; shape: number[]; data: unknown[] }>,
  ): Promise<VersionView> {
    const model = await this.writableModel(caller, owner, name);
    const view = await this.getVersion(caller, owner, name, version);
    const example = checkUploadedExample(inputs, view.signature);
    await this.store.setVersionField(model.id, version, { example: JSON.stringify(example) });
    return this.getVersion(caller, owner, name, version);
  }

  /** Records the report of a publish attempt on the version (the marketplace's quality gate). */
  async setVerification(modelId: number, version: number, report: Record<string, unknown>): Promise<void> {
    await this.store.setVersionField(modelId, version, { verification: JSON.stringify(report) });
  }

  private async versionCreated(caller: Principal, owner: string, name: string, version: number): Promise<VersionView> {
    await this.changed(`${owner}/${name}`);
    const view = await this.getVersion(caller, owner, name, version);
    if (this.versionListeners.length) {
      const model = await this.modelRef(caller, owner, name, 'read');
      for (const l of this.versionListeners) await l(model, view, caller);
    }
    return view;
  }

  async createModel(caller: Principal, input: CreateModelInput): Promise<ModelView> {
    if (!OWNER_NAME.test(input.owner)) throw new Invalid(`owner must match ${OWNER_NAME.source}`);
    if (!RESOURCE_NAME.test(input.name)) throw new Invalid(`name must match ${RESOURCE_NAME.source}`);
    const ownerId = await this.auth.ownerId(input.owner);
    if (ownerId === undefined) throw new NotFound(`no owner "${input.owner}"`);
    if (!canCreateFor(caller, ownerId)) {
      throw new Forbidden(`you cannot create models for "${input.owner}"`);
    }
    const inserted = await this.store.insertModel({
      owner_id: ownerId,
      name: input.name,
      task: input.task,
      visibility: input.visibility,
      description: input.description ?? '',
      tags: JSON.stringify(input.tags ?? []),
      license: input.license ?? '',
    });
    if (!inserted) throw new Conflict(`model ${input.owner}/${input.name} exists`);
    await this.creatorKeepsAccess(caller, ownerId, input.owner, input.name);
    return this.getModel(caller, input.owner, input.name);
  }

  async getModel(caller: Principal | undefined, owner: string, name: string): Promise<ModelView> {
    return this.toView(await this.visibleModel(caller, owner, name), owner);
  }

  /** A page of the models the caller may see (anonymous: public ones), newest change first by default. */
  async listModels(
    caller: Principal | undefined,
    query: Omit<OwnedListQuery, 'viewer'>,
  ): Promise<{ items: ModelView[]; total: number }> {
    const { total, rows } = await this.store.list({ ...query, viewer: viewerOf(caller) });
    const items: ModelView[] = [];
    for (const r of rows) {
      const row = await this.store.modelRow(r.owner, r.name);
      if (row) items.push(await this.toView(row, r.owner));
    }
    return { items, total };
  }

  /** The model with this id as its owner sees it (for domains that keep model ids). */
  async modelById(id: number): Promise<ModelView | undefined> {
    const row = await this.store.modelRowById(id);
    return row ? this.toView(row, row.owner) : undefined;
  }

  async updateModel(caller: Principal, owner: string, name: string, patch: ModelPatch): Promise<ModelView> {
    // Who sees a model is its admins' decision; the rest, its writers'.
    const row = await this.writableModel(caller, owner, name, patch.visibility === undefined ? 'write' : 'admin');
    await this.store.updateModel(row.id, {
      ...(patch.task !== undefined && { task: patch.task }),
      ...(patch.visibility !== undefined && { visibility: patch.visibility }),
      ...(patch.description !== undefined && { description: patch.description }),
      ...(patch.tags !== undefined && { tags: JSON.stringify(patch.tags) }),
      ...(patch.license !== undefined && { license: patch.license }),
    });
    await this.changed(`${owner}/${name}`);
    return this.getModel(caller, owner, name);
  }

  async deleteModel(caller: Principal, owner: string, name: string): Promise<void> {
    const row = await this.writableModel(caller, owner, name, 'admin');
    const removed = await this.store.deleteModel(row.id);
    const blobs = removed.flatMap((v) => (v.native_sha256 ? [v.sha256, v.native_sha256] : [v.sha256]));
    for (const sha of new Set(blobs)) await this.artifacts.deleteIfUnused(sha);
    await this.changed(
      `${owner}/${name}`,
      removed.map((v) => v.id),
    );
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
    const { signature, ...blob } = await this.artifacts.upload(body, maxBytes, model.owner_id);
    const version = await this.store.insertNextVersion(model.id, {
      sha256: blob.sha256,
      sizeBytes: blob.size,
      signature: JSON.stringify(signature),
      createdBy: caller.userId,
    });
    return this.versionCreated(caller, owner, name, version);
  }

  async listVersions(caller: Principal | undefined, owner: string, name: string): Promise<VersionView[]> {
    const model = await this.visibleModel(caller, owner, name);
    return (await this.store.versions(model.id)).map((r) => toVersionView(`${owner}/${name}`, r));
  }

  async getVersion(caller: Principal | undefined, owner: string, name: string, version: number): Promise<VersionView> {
    const model = await this.visibleModel(caller, owner, name);
    const [row] = await this.store.versions(model.id, version);
    if (!row) throw new NotFound(`model ${owner}/${name} has no version ${version}`);
    return toVersionView(`${owner}/${name}`, row);
  }

  /** The local path of a version's artifact (ONNX, or the engine's native one), for download. */
  async artifactPath(
    caller: Principal | undefined,
    owner: string,
    name: string,
    version: number,
    format: 'onnx' | 'native' = 'onnx',
  ): Promise<{ path: string; sha256: string; view: VersionView; modelId: number }> {
    const model = await this.visibleModel(caller, owner, name);
    const view = await this.getVersion(caller, owner, name, version);
    if (format === 'onnx') {
      if (view.format !== 'onnx')
        throw new Invalid('this version has no ONNX form (it is served by the engine); ask for format=native');
      return { path: await this.artifacts.localPath(view.sha256), sha256: view.sha256, view, modelId: model.id };
    }
    const [row] = await this.store.versions(model.id, version);
    if (!row?.native_sha256)
      throw new Invalid('this version has no native engine artifact (it was uploaded as ONNX); ask for format=onnx');
    return {
      path: await this.artifacts.localPath(row.native_sha256),
      sha256: row.native_sha256,
      view,
      modelId: model.id,
    };
  }

  /**
   * Registers what a training job made: the ONNX export (checked as an upload is) and the
   * engine artifact, both stored before the version exists, with what the job measured.
   * The model is created (private) when it does not exist yet. A crash before the version
   * row leaves only unreferenced blobs, never a half-made version.
   */
  async createTrainedVersion(
    creator: Principal,
    fullName: string,
    task: string,
    files: { onnx: Uint8Array | null; native: Uint8Array; nativeSignature: Signature },
    details: TrainingDetails,
    example?: ExampleRequest,
  ): Promise<VersionView> {
    const [owner, name] = fullName.split('/') as [string, string];
    if (!(await this.store.modelRow(owner, name))) {
      await this.createModel(creator, { owner, name, task, visibility: 'private' }).catch((err) => {
        if (!(err instanceof Conflict)) throw err;
      });
    }
    const model = await this.writableModel(creator, owner, name);
    const { served, nativeSha256, signature, format } = await this.artifacts.trained(files, model.owner_id);
    const version = await this.store.insertNextVersion(model.id, {
      sha256: served.sha256,
      sizeBytes: served.size,
      signature: JSON.stringify(signature),
      createdBy: creator.userId,
      nativeSha256,
      details: JSON.stringify(details),
      ...(example && { example: JSON.stringify(example) }),
      format,
    });
    return this.versionCreated(creator, owner, name, version);
  }

  async setAlias(caller: Principal, owner: string, name: string, alias: string, version: number): Promise<ModelView> {
    if (!ALIAS_NAME.test(alias)) throw new Invalid(`alias must match ${ALIAS_NAME.source}`);
    if (alias === 'latest') throw new Invalid(`"${alias}" is reserved`);
    const model = await this.writableModel(caller, owner, name);
    await this.refuseIfProtected(model.id, `${owner}/${name}`, alias);
    if ((await this.store.versions(model.id, version)).length === 0) {
      throw new Invalid(`model ${owner}/${name} has no version ${version}`);
    }
    await this.store.upsertAlias(model.id, alias, version);
    await this.changed(`${owner}/${name}`);
    return this.getModel(caller, owner, name);
  }

  async deleteAlias(caller: Principal, owner: string, name: string, alias: string): Promise<void> {
    const model = await this.writableModel(caller, owner, name);
    await this.refuseIfProtected(model.id, `${owner}/${name}`, alias);
    if (!(await this.store.deleteAlias(model.id, alias))) {
      throw new NotFound(`model ${owner}/${name} has no alias "${alias}"`);
    }
    await this.changed(`${owner}/${name}`);
  }

  /**
   * Moves an alias to a merged proposal's candidate (the proposals domain has checked
   * the merger's role and the alias's rule): a fork's version first becomes this model's
   * next version, then the alias moves, in one transaction (or, for a merge that starts a
   * canary, stays). Returns the candidate's version in the target.
   */
  async adoptCandidate(
    merger: Principal,
    target: ModelRef,
    alias: string,
    candidate: { modelId: number; version: number },
    moveAlias = true,
  ): Promise<number> {
    const version = await this.store.adoptVersion(target.id, alias, candidate, merger.userId, moveAlias);
    await this.changed(target.fullName);
    if (candidate.modelId !== target.id) await this.versionCreated(merger, target.owner, target.name, version);
    return version;
  }

  /**
   * Promotes a rollout's canary: the alias moves to it. The serving domain has checked
   * the caller's role, and that a protected alias's canary came from a merged proposal.
   */
  async moveAliasForRollout(caller: Principal, target: ModelRef, alias: string, version: number): Promise<void> {
    await this.store.upsertAlias(target.id, alias, version);
    await this.changed(target.fullName);
  }

  /** A model's version ids by number (what the serving caches and counters key by). */
  async versionIds(modelId: number): Promise<Array<{ version: number; id: number }>> {
    return (await this.store.versions(modelId)).map((v) => ({ version: v.version, id: v.id }));
  }

  private async refuseIfProtected(modelId: number, fullName: string, alias: string): Promise<void> {
    const rule = (await this.store.aliasRules(modelId)).find((r) => r.alias === alias);
    if (!rule) return;
    throw new Forbidden(
      `alias "${alias}" of ${fullName} is protected: it moves only by merging a change proposal whose evaluation passes its rule ` +
        `(${rule.metric} not worse than the current version's by more than ${rule.tolerance}); ` +
        `open one with POST /api/v1/models/${fullName}/proposals`,
    );
  }

  /**
   * The model entry for the predict path, cached for a short time and dropped on any
   * change made through this service. Hidden and unknown models are both NotFound.
   */
  entryFor(caller: Principal, fullName: string): Promise<ModelEntry> {
    return this.entries.get(caller, fullName);
  }

  /** entryFor without the database: undefined when the entry is not cached (or stale). */
  cachedEntry(caller: Principal, fullName: string): ModelEntry | undefined {
    return this.entries.cached(caller, fullName);
  }

  /** Picks a version: explicit number, else an alias, else alias `champion`, else the latest. */
  pickVersion(entry: ModelEntry, version?: string, route?: RoutingKeys): ResolvedVersion {
    return pickVersion(entry, version, route);
  }

  /** Where the predict path learns of rollouts (the serving domain keeps them). */
  useTrafficSplits(load: (modelId: number) => Promise<TrafficSplit[]>): void {
    this.entries.splits = load;
  }

  /**
   * Who makes a model under an organisation administers it: without this, a writer who
   * made a private one could not see it (private is the org's admins and collaborators).
   */
  private async creatorKeepsAccess(caller: Principal, ownerId: number, owner: string, name: string): Promise<void> {
    if (ownerId === caller.userId) return;
    const row = await this.store.modelRow(owner, name);
    if (row) await this.collaborators.grant('model', row.id, caller.userId, 'admin');
  }

  /** Bytes of an owner's model versions (for quotas). */
  bytesOwnedBy(ownerId: number): Promise<number> {
    return this.store.bytesOwnedBy(ownerId);
  }

  /** Who may use a model changed (a collaborator came or went): cached entries are dropped. */
  accessChanged(fullName: string): Promise<void> {
    return this.changed(fullName);
  }

  /** Drops the cached entry of a model another process changed (the listing and the rest are shared). */
  forgetCached(fullName: string): void {
    this.entries.forget(fullName);
  }

  forgetAllCached(): void {
    this.entries.forgetAll();
  }

  private async changed(fullName: string, removedVersionIds: number[] = []): Promise<void> {
    this.entries.forget(fullName);
    await Promise.all(this.listeners.map((l) => l(fullName, removedVersionIds)));
  }

  private visibleModel(caller: Principal | undefined, owner: string, name: string): Promise<ModelRow> {
    return this.access.visible(caller, owner, name);
  }

  private writableModel(caller: Principal, owner: string, name: string, need: Role = 'write'): Promise<ModelRow> {
    return this.access.writable(caller, owner, name, need);
  }

  private async toView(row: ModelRow, owner: string): Promise<ModelView> {
    const [versions, aliases, rules] = await Promise.all([
      this.store.versions(row.id),
      this.store.aliases(row.id),
      this.store.aliasRules(row.id),
    ]);
    return toModelView(row, owner, versions, aliases, rules);
  }
}
