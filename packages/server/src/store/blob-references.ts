import type { Db } from './database.js';

/**
 * Whether any record still points at a blob. Blobs are content-addressed and shared
 * across domains (the same bytes uploaded as two dataset versions, an ONNX file in two
 * models), so a blob is deleted only when nothing refers to it.
 */
export async function isBlobReferenced(db: Db, sha256: string): Promise<boolean> {
  const [model, native, dataset, train, test] = await Promise.all([
    db.selectFrom('model_versions').select('id').where('sha256', '=', sha256).executeTakeFirst(),
    db.selectFrom('model_versions').select('id').where('native_sha256', '=', sha256).executeTakeFirst(),
    db.selectFrom('dataset_versions').select('id').where('sha256', '=', sha256).executeTakeFirst(),
    db.selectFrom('benchmarks').select('id').where('train_sha256', '=', sha256).executeTakeFirst(),
    db.selectFrom('benchmarks').select('id').where('test_sha256', '=', sha256).executeTakeFirst(),
  ]);
  return [model, native, dataset, train, test].some((r) => r !== undefined);
}
