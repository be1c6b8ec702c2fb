import { isBlobReferenced } from '../store/blob-references.js';
import { type Db, lockParentRow, nowIso } from '../store/database.js';
import { listOwned, type OwnedListQuery } from '../store/owned-listing.js';
import type { DatasetsTable, DatasetVersionsTable } from '../store/schema.js';

export type DatasetRow = { id: number } & Omit<DatasetsTable, 'id'>;
export type DatasetVersionRow = { id: number; created_by_name: string } & Omit<DatasetVersionsTable, 'id'>;

/** The datasets domain's queries: the only code touching datasets and dataset_versions. */
export class DatasetStore {
  constructor(private readonly db: Db) {}

  async insertDataset(
    values: Omit<DatasetsTable, 'id' | 'created_at' | 'updated_at' | 'forked_from'> & { forked_from?: string | null },
  ): Promise<boolean> {
    const now = nowIso();
    const res = await this.db
      .insertInto('datasets')
      .values({ ...values, created_at: now, updated_at: now })
      .onConflict((oc) => oc.columns(['owner_id', 'name']).doNothing())
      .executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  /** A fork in one transaction: the dataset row and every version (the same files, no copy). */
  forkDataset(
    sourceId: number,
    values: Omit<DatasetsTable, 'id' | 'created_at' | 'updated_at'>,
    createdBy: number,
  ): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      const now = nowIso();
      const row = await tx
        .insertInto('datasets')
        .values({ ...values, created_at: now, updated_at: now })
        .onConflict((oc) => oc.columns(['owner_id', 'name']).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!row) return false;
      const versions = await tx.selectFrom('dataset_versions').selectAll().where('dataset_id', '=', sourceId).execute();
      for (const v of versions) {
        const { id: _id, dataset_id: _dataset, created_by: _by, created_at: _at, ...copy } = v;
        await tx
          .insertInto('dataset_versions')
          .values({ ...copy, dataset_id: row.id, created_by: createdBy, created_at: now })
          .execute();
      }
      return true;
    });
  }

  /** Bytes of an owner's dataset versions (for quotas). */
  async bytesOwnedBy(ownerId: number): Promise<number> {
    const row = await this.db
      .selectFrom('dataset_versions as v')
      .innerJoin('datasets as d', 'd.id', 'v.dataset_id')
      .select((eb) => eb.fn.sum<number>('v.size_bytes').as('n'))
      .where('d.owner_id', '=', ownerId)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  list(query: OwnedListQuery): Promise<{ total: number; rows: Array<{ id: number; owner: string; name: string }> }> {
    return listOwned(this.db, 'datasets', query);
  }

  datasetRow(owner: string, name: string): Promise<DatasetRow | undefined> {
    return this.db
      .selectFrom('datasets')
      .innerJoin('owners', 'owners.id', 'datasets.owner_id')
      .selectAll('datasets')
      .where('owners.name', '=', owner)
      .where('datasets.name', '=', name)
      .executeTakeFirst();
  }

  async updateDataset(id: number, set: Partial<Pick<DatasetsTable, 'visibility' | 'description'>>): Promise<void> {
    await this.db
      .updateTable('datasets')
      .set({ ...set, updated_at: nowIso() })
      .where('id', '=', id)
      .execute();
  }

  /** Deletes a dataset and its versions in one transaction; returns the blobs the versions used. */
  deleteDataset(id: number): Promise<string[]> {
    return this.db.transaction().execute(async (tx) => {
      const versions = await tx.selectFrom('dataset_versions').select('sha256').where('dataset_id', '=', id).execute();
      await tx.deleteFrom('dataset_versions').where('dataset_id', '=', id).execute();
      await tx.deleteFrom('datasets').where('id', '=', id).execute();
      return [...new Set(versions.map((v) => v.sha256))];
    });
  }

  versions(datasetId: number, only?: number): Promise<DatasetVersionRow[]> {
    let q = this.db
      .selectFrom('dataset_versions')
      .innerJoin('owners', 'owners.id', 'dataset_versions.created_by')
      .selectAll('dataset_versions')
      .select('owners.name as created_by_name')
      .where('dataset_versions.dataset_id', '=', datasetId);
    if (only !== undefined) q = q.where('dataset_versions.version', '=', only);
    return q.orderBy('dataset_versions.version').execute();
  }

  /** Registers the next version number, atomically; returns it. */
  insertNextVersion(
    datasetId: number,
    v: Omit<DatasetVersionsTable, 'id' | 'dataset_id' | 'version' | 'created_at'>,
  ): Promise<number> {
    return this.db.transaction().execute(async (tx) => {
      await lockParentRow(tx, 'datasets', datasetId);
      const last = await tx
        .selectFrom('dataset_versions')
        .select((eb) => eb.fn.max('version').as('max'))
        .where('dataset_id', '=', datasetId)
        .executeTakeFirst();
      const next = Number(last?.max ?? 0) + 1;
      const now = nowIso();
      await tx
        .insertInto('dataset_versions')
        .values({ ...v, dataset_id: datasetId, version: next, created_at: now })
        .execute();
      await tx.updateTable('datasets').set({ updated_at: now }).where('id', '=', datasetId).execute();
      return next;
    });
  }

  isBlobReferenced(sha256: string): Promise<boolean> {
    return isBlobReferenced(this.db, sha256);
  }
}
