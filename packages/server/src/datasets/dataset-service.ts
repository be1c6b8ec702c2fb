import fs from 'node:fs';
import type { Readable } from 'node:stream';
import type { AuthService } from '../auth/auth-service.js';
import { type CollaboratorLookup, NO_COLLABORATORS } from '../auth/collaborator-lookup.js';
import { assertVisible, assertWritable, canCreateFor, type Visibility, viewerOf } from '../auth/resource-access.js';
import type { Role } from '../auth/roles.js';
import type { Principal } from '../auth/scopes.js';
import { Conflict, Forbidden, Invalid, NotFound, PayloadTooLarge } from '../errors.js';
import { OWNER_NAME, RESOURCE_NAME } from '../registry/names.js';
import { type BlobStore, BlobTooLarge } from '../store/blobs/blob-store.js';
import type { OwnedListQuery } from '../store/owned-listing.js';
import { type ColumnSummary, summarizeColumns } from './column-summaries.js';
import { type DatasetFormat, duckdbReader } from './dataset-formats.js';
import type { DatasetRow, DatasetStore, DatasetVersionRow } from './dataset-store.js';
import type { DatasetFile, DatasetVersionView, DatasetView } from './dataset-views.js';
import { quoteIdent, withDuckDb } from './duckdb.js';
import { type DatasetSchema, duckMessage, inferSchema } from './schema-inference.js';

export interface DatasetLimits {
  maxBytes: number;
  maxColumns: number;
}

/** `owner/name@version` (version optional: the latest). */
const DATASET_REF = /^([a-z0-9][a-z0-9-]{1,38})\/([a-z0-9][a-z0-9_-]{0,63})(?:@(\d+))?$/;

/**
 * Datasets' rules: who may see and add to a dataset, how a version comes to be (stored,
 * then read by DuckDB; a file it cannot read leaves nothing behind), previews, and the
 * files training jobs read. Same visibility rules as models: private is invisible.
 */
/** Summaries cover at most this many columns (the first ones): a page shows no more. */
const MAX_SUMMARY_COLUMNS = 200;

export class DatasetService {
  private readonly summaries = new Map<string, ColumnSummary[]>();

  constructor(
    private readonly store: DatasetStore,
    private readonly blobs: BlobStore,
    private readonly auth: AuthService,
    readonly limits: DatasetLimits,
    private readonly collaborators: CollaboratorLookup = NO_COLLABORATORS,
    /** Throws when the owner may not hold this many more bytes (the quotas domain). */
    private readonly checkStorage: (ownerId: number, bytes: number) => Promise<void> = async () => {},
  ) {}

  /** Who makes a dataset under an organisation administers it (as for models). */
  private async creatorKeepsAccess(caller: Principal, ownerId: number, owner: string, name: string): Promise<void> {
    if (ownerId === caller.userId) return;
    const row = await this.store.datasetRow(owner, name);
    if (row) await this.collaborators.grant('dataset', row.id, caller.userId, 'admin');
  }

  /** Bytes of an owner's dataset versions (for quotas). */
  bytesOwnedBy(ownerId: number): Promise<number> {
    return this.store.bytesOwnedBy(ownerId);
  }

  async createDataset(
    caller: Principal,
    input: { owner: string; name: string; visibility: 'public' | 'internal' | 'private'; description?: string },
  ): Promise<DatasetView> {
    if (!OWNER_NAME.test(input.owner)) throw new Invalid(`owner must match ${OWNER_NAME.source}`);
    if (!RESOURCE_NAME.test(input.name)) throw new Invalid(`name must match ${RESOURCE_NAME.source}`);
    const ownerId = await this.auth.ownerId(input.owner);
    if (ownerId === undefined) throw new NotFound(`no owner "${input.owner}"`);
    if (!canCreateFor(caller, ownerId)) throw new Forbidden(`you cannot create datasets for "${input.owner}"`);
    const inserted = await this.store.insertDataset({
      owner_id: ownerId,
      name: input.name,
      visibility: input.visibility,
      description: input.description ?? '',
    });
    if (!inserted) throw new Conflict(`dataset ${input.owner}/${input.name} exists`);
    await this.creatorKeepsAccess(caller, ownerId, input.owner, input.name);
    return this.getDataset(caller, input.owner, input.name);
  }

  /** A page of the datasets the caller may see (anonymous: public ones). */
  async listDatasets(
    caller: Principal | undefined,
    query: Omit<OwnedListQuery, 'viewer' | 'task'>,
  ): Promise<{ items: DatasetView[]; total: number }> {
    const { total, rows } = await this.store.list({ ...query, viewer: viewerOf(caller) });
    const items: DatasetView[] = [];
    for (const r of rows) items.push(await this.getDataset(caller, r.owner, r.name));
    return { items, total };
  }

  async getDataset(caller: Principal | undefined, owner: string, name: string): Promise<DatasetView> {
    const row = await this.visible(caller, owner, name);
    const versions = await this.store.versions(row.id);
    return {
      owner,
      name,
      fullName: `${owner}/${name}`,
      visibility: row.visibility,
      description: row.description,
      latestVersion: versions.at(-1)?.version ?? null,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      forkedFrom: row.forked_from ?? null,
    };
  }

  /** Forks a dataset the caller may see: its versions share the files; the fork records where it came from. */
  async forkDataset(
    caller: Principal,
    owner: string,
    name: string,
    to: { owner: string; name: string; visibility?: Visibility },
  ): Promise<DatasetView> {
    const source = await this.visible(caller, owner, name);
    if (!RESOURCE_NAME.test(to.name)) throw new Invalid(`name must match ${RESOURCE_NAME.source}`);
    const ownerId = await this.auth.ownerId(to.owner);
    if (ownerId === undefined) throw new NotFound(`no owner "${to.owner}"`);
    if (!canCreateFor(caller, ownerId)) throw new Forbidden(`you cannot create datasets for "${to.owner}"`);
    const bytes = (await this.store.versions(source.id)).reduce((sum, v) => sum + v.size_bytes, 0);
    await this.checkStorage(ownerId, bytes);
    const made = await this.store.forkDataset(
      source.id,
      {
        owner_id: ownerId,
        name: to.name,
        visibility: to.visibility ?? (source.visibility === 'public' ? 'public' : 'private'),
        description: source.description,
        forked_from: `${owner}/${name}`,
      },
      caller.userId,
    );
    if (!made) throw new Conflict(`dataset ${to.owner}/${to.name} exists`);
    await this.creatorKeepsAccess(caller, ownerId, to.owner, to.name);
    return this.getDataset(caller, to.owner, to.name);
  }

  async updateDataset(
    caller: Principal,
    owner: string,
    name: string,
    patch: { visibility?: 'public' | 'internal' | 'private'; description?: string },
  ): Promise<DatasetView> {
    const row = await this.writable(caller, owner, name, patch.visibility === undefined ? 'write' : 'admin');
    await this.store.updateDataset(row.id, patch);
    return this.getDataset(caller, owner, name);
  }

  /** Deletes a dataset with its versions; their files go unless another version (anywhere) still uses them. */
  async deleteDataset(caller: Principal, owner: string, name: string): Promise<void> {
    const row = await this.writable(caller, owner, name, 'admin');
    for (const sha of await this.store.deleteDataset(row.id)) {
      if (!(await this.store.isBlobReferenced(sha))) await this.blobs.delete(sha);
    }
  }

  async listVersions(caller: Principal | undefined, owner: string, name: string): Promise<DatasetVersionView[]> {
    const row = await this.visible(caller, owner, name);
    return (await this.store.versions(row.id)).map((v) => toView(`${owner}/${name}`, v));
  }

  async getVersion(
    caller: Principal | undefined,
    owner: string,
    name: string,
    version: number,
  ): Promise<DatasetVersionView> {
    const row = await this.visible(caller, owner, name);
    const [v] = await this.store.versions(row.id, version);
    if (!v) throw new NotFound(`dataset ${owner}/${name} has no version ${version}`);
    return toView(`${owner}/${name}`, v);
  }

  /**
   * Stores an upload as the next version: streamed into the blob store (size-limited),
   * read by DuckDB for its schema. Content identical to the latest version's is that
   * version (`created: false`); a file that cannot be read is refused and not kept.
   */
  async createVersion(
    caller: Principal,
    owner: string,
    name: string,
    body: Readable,
    format: DatasetFormat,
  ): Promise<{ view: DatasetVersionView; created: boolean }> {
    const row = await this.writable(caller, owner, name);
    let blob: { sha256: string; size: number };
    try {
      blob = await this.blobs.put(body, this.limits.maxBytes);
    } catch (err) {
      if (err instanceof BlobTooLarge)
        throw new PayloadTooLarge(`a dataset version may have at most ${this.limits.maxBytes} bytes`);
      throw err;
    }
    return this.register(caller, row, `${owner}/${name}`, blob, format, null);
  }

  /** A version from a file a job wrote (batch predictions), with where it came from. */
  async createVersionFromFile(
    caller: Principal,
    ref: string,
    file: string,
    format: DatasetFormat,
    lineage: Record<string, unknown>,
  ): Promise<DatasetVersionView> {
    const [owner, name] = ref.split('/') as [string, string];
    const row = await this.writable(caller, owner, name);
    const blob = await this.blobs.put(fs.createReadStream(file), Number.MAX_SAFE_INTEGER);
    return (await this.register(caller, row, ref, blob, format, lineage)).view;
  }

  /**
   * A file a job's part wrote, kept in the blob store until the job puts the parts
   * together (they may be on other hosts); answers its address.
   */
  async putScratch(file: string): Promise<string> {
    return (await this.blobs.put(fs.createReadStream(file), Number.MAX_SAFE_INTEGER)).sha256;
  }

  /** A local copy of a scratch blob. */
  scratchPath(sha256: string): Promise<string> {
    return this.blobs.localPath(sha256);
  }

  /** Removes a scratch blob once used, unless a version has the very same bytes. */
  async discardScratch(sha256: string): Promise<void> {
    if (!(await this.store.isBlobReferenced(sha256))) await this.blobs.delete(sha256);
  }

  /** Whether a dataset of this name exists (no access check: not for answers). */
  async exists(owner: string, name: string): Promise<boolean> {
    return (await this.store.datasetRow(owner, name)) !== undefined;
  }

  async ensureDataset(caller: Principal, fullName: string): Promise<void> {
    const [owner, name] = fullName.split('/') as [string, string];
    if (!(await this.store.datasetRow(owner, name))) {
      await this.createDataset(caller, { owner, name, visibility: 'private' }).catch((err) => {
        if (!(err instanceof Conflict)) throw err;
      });
    }
    await this.assertWritable(caller, fullName);
  }

  /** Throws unless the caller may add versions to `owner/name` (which must exist). */
  async assertWritable(caller: Principal, fullName: string): Promise<void> {
    const [owner, name] = fullName.split('/') as [string, string];
    await this.writable(caller, owner, name);
  }

  /** The first rows, as records with numbers as numbers. */
  async preview(
    caller: Principal | undefined,
    owner: string,
    name: string,
    version: number,
    limit: number,
  ): Promise<{ columns: string[]; rows: Array<Record<string, unknown>> }> {
    const v = await this.getVersion(caller, owner, name, version);
    const path = await this.blobs.localPath(v.sha256);
    const numeric = new Set(v.columns.filter((c) => c.kind === 'numeric').map((c) => c.name));
    const rows = await withDuckDb(async (c) => {
      const cols = v.columns.map((col) => quoteIdent(col.name)).join(', ');
      return (
        await c.runAndReadAll(`SELECT ${cols} FROM ${duckdbReader(path, v.format)} LIMIT ${limit}`)
      ).getRowObjectsJson();
    });
    return {
      columns: v.columns.map((c) => c.name),
      rows: rows.map((r) =>
        Object.fromEntries(
          Object.entries(r).map(([k, val]) => [k, numeric.has(k) && val !== null ? Number(val) : val]),
        ),
      ),
    };
  }

  /** Per-column summaries of a version (DuckDB over the stored file), kept per file: versions never change. */
  async summary(caller: Principal | undefined, owner: string, name: string, version: number): Promise<ColumnSummary[]> {
    const v = await this.getVersion(caller, owner, name, version);
    const cached = this.summaries.get(v.sha256);
    if (cached) return cached;
    const made = await summarizeColumns(
      await this.blobs.localPath(v.sha256),
      v.format,
      v.columns.slice(0, MAX_SUMMARY_COLUMNS),
    );
    if (this.summaries.size >= 100) this.summaries.delete(this.summaries.keys().next().value as string);
    this.summaries.set(v.sha256, made);
    return made;
  }

  /** The file behind `owner/name@version` (latest when no version), if the caller may read it. */
  async resolve(caller: Principal, ref: string): Promise<DatasetFile> {
    const [owner, name, version] = parseRef(ref);
    return this.fileOf(await this.visible(caller, owner, name), owner, name, version);
  }

  /**
   * A version's file with no access check: for a job that acts for a resource whose
   * admin chose this data when they could read it (a model's evaluation data). Nothing
   * of the rows leaves the server through it, only what is measured on them.
   */
  async resolveForJob(ref: string): Promise<DatasetFile> {
    const [owner, name, version] = parseRef(ref);
    const row = await this.store.datasetRow(owner, name);
    if (!row) throw new NotFound(`dataset ${owner}/${name} is gone`);
    return this.fileOf(row, owner, name, version);
  }

  private async fileOf(
    row: DatasetRow,
    owner: string,
    name: string,
    version: number | undefined,
  ): Promise<DatasetFile> {
    const versions = await this.store.versions(row.id, version);
    const v = versions.at(-1);
    if (!v)
      throw new NotFound(
        version ? `dataset ${owner}/${name} has no version ${version}` : `dataset ${owner}/${name} has no versions`,
      );
    return {
      ref: `${owner}/${name}@${v.version}`,
      datasetId: row.id,
      version: v.version,
      path: await this.blobs.localPath(v.sha256),
      format: v.format,
      sha256: v.sha256,
      schema: { rowCount: v.row_count, columns: JSON.parse(v.schema) as DatasetSchema['columns'] },
    };
  }

  private async register(
    caller: Principal,
    row: DatasetRow,
    fullName: string,
    blob: { sha256: string; size: number },
    format: DatasetFormat,
    lineage: Record<string, unknown> | null,
  ): Promise<{ view: DatasetVersionView; created: boolean }> {
    const latest = (await this.store.versions(row.id)).at(-1);
    if (latest && latest.sha256 === blob.sha256 && latest.format === format && !lineage) {
      return { view: toView(fullName, latest), created: false };
    }
    try {
      await this.checkStorage(row.owner_id, blob.size);
    } catch (err) {
      if (!(await this.store.isBlobReferenced(blob.sha256))) await this.blobs.delete(blob.sha256);
      throw err;
    }
    let schema: DatasetSchema;
    try {
      if (blob.size === 0) throw new Invalid('the body is empty');
      schema = await inferSchema(await this.blobs.localPath(blob.sha256), format, this.limits);
    } catch (err) {
      if (!(await this.store.isBlobReferenced(blob.sha256))) await this.blobs.delete(blob.sha256);
      if (err instanceof Invalid) throw err;
      throw new Invalid(`the file could not be read: ${duckMessage(err)}`);
    }
    const version = await this.store.insertNextVersion(row.id, {
      format,
      sha256: blob.sha256,
      size_bytes: blob.size,
      row_count: schema.rowCount,
      schema: JSON.stringify(schema.columns),
      lineage: lineage ? JSON.stringify(lineage) : null,
      created_by: caller.userId,
    });
    const [v] = await this.store.versions(row.id, version);
    return { view: toView(fullName, v as DatasetVersionRow), created: true };
  }

  /** The dataset's row and the caller's role on it, for the domains that key data by dataset (collaborators). */
  async datasetRef(
    caller: Principal,
    owner: string,
    name: string,
    need: Role,
  ): Promise<{ id: number; fullName: string }> {
    const row =
      need === 'read' ? await this.visible(caller, owner, name) : await this.writable(caller, owner, name, need);
    return { id: row.id, fullName: `${owner}/${name}` };
  }

  private async visible(caller: Principal | undefined, owner: string, name: string): Promise<DatasetRow> {
    const found = await this.store.datasetRow(owner, name);
    const row = found && { ...found, kind: 'dataset' as const };
    return assertVisible(caller, row, `dataset ${owner}/${name}`, await this.collaboratorRole(caller, row));
  }

  private async writable(caller: Principal, owner: string, name: string, need: Role = 'write'): Promise<DatasetRow> {
    const found = await this.store.datasetRow(owner, name);
    const row = found && { ...found, kind: 'dataset' as const };
    return assertWritable(caller, row, `dataset ${owner}/${name}`, await this.collaboratorRole(caller, row), need);
  }

  private async collaboratorRole(
    caller: Principal | undefined,
    row: DatasetRow | undefined,
  ): Promise<Role | undefined> {
    if (!caller || !row || caller.isAdmin || caller.userId === row.owner_id) return undefined;
    return this.collaborators.role('dataset', row.id, caller.userId);
  }
}

function toView(dataset: string, v: DatasetVersionRow): DatasetVersionView {
  return {
    dataset,
    version: v.version,
    format: v.format,
    sha256: v.sha256,
    sizeBytes: v.size_bytes,
    rowCount: v.row_count,
    columns: JSON.parse(v.schema) as DatasetSchema['columns'],
    lineage: v.lineage ? (JSON.parse(v.lineage) as Record<string, unknown>) : null,
    createdBy: v.created_by_name,
    createdAt: v.created_at,
  };
}

function parseRef(ref: string): [string, string, number | undefined] {
  const m = DATASET_REF.exec(ref);
  if (!m) throw new Invalid(`a dataset is named owner/name@version (version optional), not "${ref}"`);
  const [, owner, name, version] = m as unknown as [string, string, string, string | undefined];
  return [owner, name, version === undefined ? undefined : Number(version)];
}
