import { isBlobReferenced } from '../store/blob-references.js';
import { type Db, lockParentRow, nowIso } from '../store/database.js';
import { listOwned, type OwnedListQuery } from '../store/owned-listing.js';
import type { ModelsTable } from '../store/schema.js';

export type ModelRow = { id: number } & Omit<ModelsTable, 'id'>;

export interface VersionRow {
  id: number;
  version: number;
  format: 'onnx' | 'native';
  sha256: string;
  size_bytes: number;
  signature: string;
  native_sha256: string | null;
  details: string | null;
  example: string | null;
  verification: string | null;
  created_at: string;
  created_by: string;
}

/**
 * The registry's queries: the only code that touches the models, model_versions and
 * model_aliases tables. No rules here; RegistryService decides who may do what.
 */
export class RegistryStore {
  constructor(private readonly db: Db) {}

  /** Inserts a model; false when owner/name exists. */
  async insertModel(
    values: Omit<ModelsTable, 'id' | 'created_at' | 'updated_at' | 'forked_from' | 'evaluation'>,
  ): Promise<boolean> {
    const now = nowIso();
    const res = await this.db
      .insertInto('models')
      .values({ ...values, created_at: now, updated_at: now })
      .onConflict((oc) => oc.columns(['owner_id', 'name']).doNothing())
      .executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  /**
   * A fork in one transaction: the model row, every version (the same blobs, no copy; not
   * the publish reports) and the aliases. Undefined when the name is taken.
   */
  forkModel(
    sourceId: number,
    values: Omit<ModelsTable, 'id' | 'created_at' | 'updated_at'>,
    createdBy: number,
  ): Promise<number | undefined> {
    return this.db.transaction().execute(async (tx) => {
      const now = nowIso();
      const row = await tx
        .insertInto('models')
        .values({ ...values, created_at: now, updated_at: now })
        .onConflict((oc) => oc.columns(['owner_id', 'name']).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!row) return undefined;
      const versions = await tx.selectFrom('model_versions').selectAll().where('model_id', '=', sourceId).execute();
      for (const v of versions) {
        const { id: _id, model_id: _model, verification: _report, created_by: _by, created_at: _at, ...copy } = v;
        await tx
          .insertInto('model_versions')
          .values({ ...copy, model_id: row.id, created_by: createdBy, created_at: now })
          .execute();
      }
      const aliases = await tx.selectFrom('model_aliases').selectAll().where('model_id', '=', sourceId).execute();
      if (aliases.length) {
        await tx
          .insertInto('model_aliases')
          .values(aliases.map((a) => ({ ...a, model_id: row.id })))
          .execute();
      }
      return row.id;
    });
  }

  /** Bytes of an owner's model versions (for quotas). */
  async bytesOwnedBy(ownerId: number): Promise<number> {
    const row = await this.db
      .selectFrom('model_versions as v')
      .innerJoin('models as m', 'm.id', 'v.model_id')
      .select((eb) => eb.fn.sum<number>('v.size_bytes').as('n'))
      .where('m.owner_id', '=', ownerId)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** A page of the models a viewer may see, with the total. */
  list(query: OwnedListQuery): Promise<{ total: number; rows: Array<{ id: number; owner: string; name: string }> }> {
    return listOwned(this.db, 'models', query);
  }

  modelRowById(id: number): Promise<(ModelRow & { owner: string }) | undefined> {
    return this.db
      .selectFrom('models')
      .innerJoin('owners', 'owners.id', 'models.owner_id')
      .selectAll('models')
      .select('owners.name as owner')
      .where('models.id', '=', id)
      .executeTakeFirst();
  }

  modelRow(owner: string, name: string): Promise<ModelRow | undefined> {
    return this.db
      .selectFrom('models')
      .innerJoin('owners', 'owners.id', 'models.owner_id')
      .selectAll('models')
      .where('owners.name', '=', owner)
      .where('models.name', '=', name)
      .executeTakeFirst();
  }

  async updateModel(
    id: number,
    set: Partial<Omit<ModelsTable, 'id' | 'owner_id' | 'name' | 'created_at'>>,
  ): Promise<void> {
    await this.db
      .updateTable('models')
      .set({ ...set, updated_at: nowIso() })
      .where('id', '=', id)
      .execute();
  }

  /** Deletes a model with its versions and aliases in one transaction; returns what the versions were. */
  deleteModel(id: number): Promise<Array<{ id: number; sha256: string; native_sha256: string | null }>> {
    return this.db.transaction().execute(async (tx) => {
      const versions = await tx
        .selectFrom('model_versions')
        .select(['id', 'sha256', 'native_sha256'])
        .where('model_id', '=', id)
        .execute();
      await tx.deleteFrom('alias_rules').where('model_id', '=', id).execute();
      await tx.deleteFrom('model_aliases').where('model_id', '=', id).execute();
      await tx.deleteFrom('model_versions').where('model_id', '=', id).execute();
      await tx.deleteFrom('models').where('id', '=', id).execute();
      return versions;
    });
  }

  /** Registers the next version number of a model, atomically; returns it. */
  insertNextVersion(
    modelId: number,
    v: {
      sha256: string;
      sizeBytes: number;
      signature: string;
      createdBy: number;
      nativeSha256?: string;
      details?: string;
      example?: string;
      format?: 'onnx' | 'native';
    },
  ): Promise<number> {
    return this.db.transaction().execute(async (tx) => {
      await lockParentRow(tx, 'models', modelId);
      const last = await tx
        .selectFrom('model_versions')
        .select((eb) => eb.fn.max('version').as('max'))
        .where('model_id', '=', modelId)
        .executeTakeFirst();
      const next = Number(last?.max ?? 0) + 1;
      const now = nowIso();
      await tx
        .insertInto('model_versions')
        .values({
          model_id: modelId,
          version: next,
          format: v.format ?? 'onnx',
          sha256: v.sha256,
          size_bytes: v.sizeBytes,
          signature: v.signature,
          created_by: v.createdBy,
          created_at: now,
          native_sha256: v.nativeSha256 ?? null,
          details: v.details ?? null,
          example: v.example ?? null,
        })
        .execute();
      await tx.updateTable('models').set({ updated_at: now }).where('id', '=', modelId).execute();
      return next;
    });
  }

  /** A model's versions, oldest first, with the creator's name. */
  versions(modelId: number, only?: number): Promise<VersionRow[]> {
    let q = this.db
      .selectFrom('model_versions')
      .innerJoin('owners', 'owners.id', 'model_versions.created_by')
      .select([
        'model_versions.id',
        'model_versions.version',
        'model_versions.format',
        'model_versions.sha256',
        'model_versions.size_bytes',
        'model_versions.signature',
        'model_versions.native_sha256',
        'model_versions.details',
        'model_versions.example',
        'model_versions.verification',
        'model_versions.created_at',
        'owners.name as created_by',
      ])
      .where('model_versions.model_id', '=', modelId);
    if (only !== undefined) q = q.where('model_versions.version', '=', only);
    return q.orderBy('model_versions.version').execute();
  }

  async setVersionField(
    modelId: number,
    version: number,
    set: { example: string } | { verification: string },
  ): Promise<void> {
    await this.db
      .updateTable('model_versions')
      .set(set)
      .where('model_id', '=', modelId)
      .where('version', '=', version)
      .execute();
  }

  aliases(modelId: number): Promise<Array<{ alias: string; version: number }>> {
    return this.db.selectFrom('model_aliases').select(['alias', 'version']).where('model_id', '=', modelId).execute();
  }

  async upsertAlias(modelId: number, alias: string, version: number): Promise<void> {
    const now = nowIso();
    await this.db
      .insertInto('model_aliases')
      .values({ model_id: modelId, alias, version, updated_at: now })
      .onConflict((oc) => oc.columns(['model_id', 'alias']).doUpdateSet({ version, updated_at: now }))
      .execute();
  }

  /** False when there was no such alias. */
  async deleteAlias(modelId: number, alias: string): Promise<boolean> {
    const res = await this.db
      .deleteFrom('model_aliases')
      .where('model_id', '=', modelId)
      .where('alias', '=', alias)
      .executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }

  aliasRules(modelId: number): Promise<Array<{ alias: string; metric: string; tolerance: number }>> {
    return this.db
      .selectFrom('alias_rules')
      .select(['alias', 'metric', 'tolerance'])
      .where('model_id', '=', modelId)
      .orderBy('alias')
      .execute();
  }

  async putAliasRule(modelId: number, alias: string, rule: { metric: string; tolerance: number }, by: number) {
    const now = nowIso();
    await this.db
      .insertInto('alias_rules')
      .values({ model_id: modelId, alias, ...rule, updated_by: by, updated_at: now })
      .onConflict((oc) => oc.columns(['model_id', 'alias']).doUpdateSet({ ...rule, updated_by: by, updated_at: now }))
      .execute();
  }

  async deleteAliasRule(modelId: number, alias: string): Promise<boolean> {
    const res = await this.db
      .deleteFrom('alias_rules')
      .where('model_id', '=', modelId)
      .where('alias', '=', alias)
      .executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }

  /**
   * Points an alias at a candidate in one transaction: a version of another model (a
   * fork's) is first registered here as the next version (the same blobs, no copy).
   * Returns the version the alias now names.
   */
  adoptVersion(
    modelId: number,
    alias: string,
    candidate: { modelId: number; version: number },
    createdBy: number,
    moveAlias = true,
  ): Promise<number> {
    return this.db.transaction().execute(async (tx) => {
      const now = nowIso();
      let version = candidate.version;
      if (candidate.modelId !== modelId) {
        const v = await tx
          .selectFrom('model_versions')
          .selectAll()
          .where('model_id', '=', candidate.modelId)
          .where('version', '=', candidate.version)
          .executeTakeFirstOrThrow();
        // A merge resumed after a crash finds the alias already on the imported version.
        const named = await tx
          .selectFrom('model_aliases as a')
          .innerJoin('model_versions as v', (j) =>
            j.onRef('v.model_id', '=', 'a.model_id').onRef('v.version', '=', 'a.version'),
          )
          .select(['v.version', 'v.sha256', 'v.native_sha256'])
          .where('a.model_id', '=', modelId)
          .where('a.alias', '=', alias)
          .executeTakeFirst();
        if (named && named.sha256 === v.sha256 && named.native_sha256 === v.native_sha256) return named.version;
        await lockParentRow(tx, 'models', modelId);
        const last = await tx
          .selectFrom('model_versions')
          .select((eb) => eb.fn.max('version').as('max'))
          .where('model_id', '=', modelId)
          .executeTakeFirst();
        version = Number(last?.max ?? 0) + 1;
        const { id: _id, model_id: _m, verification: _r, created_by: _b, created_at: _a, version: _v, ...copy } = v;
        await tx
          .insertInto('model_versions')
          .values({ ...copy, model_id: modelId, version, created_by: createdBy, created_at: now })
          .execute();
      }
      if (moveAlias) {
        await tx
          .insertInto('model_aliases')
          .values({ model_id: modelId, alias, version, updated_at: now })
          .onConflict((oc) => oc.columns(['model_id', 'alias']).doUpdateSet({ version, updated_at: now }))
          .execute();
      }
      await tx.updateTable('models').set({ updated_at: now }).where('id', '=', modelId).execute();
      return version;
    });
  }

  isBlobReferenced(sha256: string): Promise<boolean> {
    return isBlobReferenced(this.db, sha256);
  }
}
