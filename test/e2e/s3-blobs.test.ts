import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { BlobTooLarge } from '../../packages/server/src/store/blobs/blob-store.ts';
import { S3BlobStore } from '../../packages/server/src/store/blobs/s3-blob-store.ts';
import { labelledBreastCancer } from '../harness/datasets.ts';
import { startS3Server } from '../harness/s3-server.ts';
import { startTestServer } from '../harness/test-server.ts';

const BUCKET = 'marquee-blobs';

describe('blobs in an S3-compatible store (s3rver on loopback)', () => {
  let s3: Awaited<ReturnType<typeof startS3Server>>;
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-s3-cache-'));
  const store = (cache: string) =>
    S3BlobStore.fromUrl(`s3://${BUCKET}/team/blobs`, path.join(scratch, cache), { ...process.env, ...s3.env });
  const clientOf = (s: S3BlobStore) => (s as unknown as { client: S3Client }).client;

  before(async () => {
    s3 = await startS3Server(BUCKET);
  });
  after(async () => {
    await s3.close();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  test('a large blob goes up in parts and comes down, checked, on another node with an empty cache', async () => {
    const writer = store('node-a');
    const commands: string[] = [];
    clientOf(writer).middlewareStack.add(
      (next, context) => (args) => {
        commands.push(context.commandName as string);
        return next(args);
      },
      { step: 'initialize' },
    );
    const bytes = randomBytes(20 * 1024 * 1024 + 123);
    const info = await writer.put(Readable.from([bytes.subarray(0, 7_000_000), bytes.subarray(7_000_000)]), 64 << 20);
    assert.equal(info.size, bytes.length);
    assert.equal(commands.filter((c) => c === 'UploadPartCommand').length, 3, '8 MiB parts: 8 + 8 + 4');
    assert.ok(commands.includes('CompleteMultipartUploadCommand'));
    const head = await clientOf(writer).send(
      new HeadObjectCommand({ Bucket: BUCKET, Key: `team/blobs/sha256/${info.sha256.slice(0, 2)}/${info.sha256}` }),
    );
    assert.equal(head.ContentLength, bytes.length);

    const reader = store('node-b');
    assert.equal(await reader.has(info.sha256), true);
    const file = await reader.localPath(info.sha256);
    assert.ok(file.startsWith(path.join(scratch, 'node-b')), 'a local copy in its own cache');
    assert.ok(Buffer.from(fs.readFileSync(file)).equals(bytes));
    assert.ok((await reader.read(info.sha256)).equals(bytes));

    await reader.delete(info.sha256);
    assert.equal(await writer.has(info.sha256), false);
    assert.equal(fs.existsSync(file), false);
  });

  test('too large: refused, and nothing is left in the bucket or the cache', async () => {
    const s = store('node-c');
    const before = await clientOf(s).send(new ListObjectsV2Command({ Bucket: BUCKET }));
    await assert.rejects(s.put(Readable.from([randomBytes(3000)]), 2000), BlobTooLarge);
    const after = await clientOf(s).send(new ListObjectsV2Command({ Bucket: BUCKET }));
    assert.equal(after.KeyCount, before.KeyCount);
    assert.deepEqual(fs.readdirSync(path.join(scratch, 'node-c', 'tmp')), [], 'no temporary file kept');
  });

  test('an object whose bytes do not match its address is refused, not cached', async () => {
    const s = store('node-d');
    const sha = 'ab'.repeat(32);
    await clientOf(s).send(
      new PutObjectCommand({ Bucket: BUCKET, Key: `team/blobs/sha256/ab/${sha}`, Body: Buffer.from('tampered') }),
    );
    await assert.rejects(s.localPath(sha), /does not match its address/);
    assert.equal(fs.existsSync(path.join(scratch, 'node-d', 'sha256', 'ab', sha)), false);
  });

  test('a server with --blob-url keeps datasets and models in the bucket and serves them after losing its cache', async () => {
    Object.assign(process.env, s3.env);
    const t = await startTestServer({ blobUrl: `s3://${BUCKET}/server` });
    try {
      await t.admin.createDataset({ owner: 'admin', name: 'cancer' });
      await t.admin.uploadDatasetVersion('admin/cancer', labelledBreastCancer(), 'csv');
      const job = await t.admin.followJob(
        (
          await t.admin.train({
            model: 'admin/cancer',
            dataset: 'admin/cancer@1',
            task: 'classification',
            algorithm: 'logistic-regression',
            target: 'diagnosis',
          })
        ).id,
      );
      assert.equal(job.state, 'succeeded', job.error ?? '');
      const listed = await clientOf(store('lister')).send(
        new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'server/sha256/' }),
      );
      assert.ok((listed.KeyCount ?? 0) >= 3, 'the dataset, the native artifact and the ONNX export are objects');
      assert.equal(fs.existsSync(path.join(t.dataDir, 'blobs', 'sha256')), false, 'nothing in the blob folder');

      const version = (await t.admin.listVersions('admin/cancer'))[0];
      const first = (version?.signature.inputs ?? []).map((s) => ({
        name: s.name,
        datatype: 'FP32' as const,
        shape: [1, 1],
        data: [1],
      }));
      const before = await t.admin.oip.infer('admin.cancer', first);
      const artifact = await t.admin.downloadArtifact('admin/cancer', 1);
      // Another node, or this one after its cache is gone: everything comes from the bucket.
      await t.server.close();
      fs.rmSync(path.join(t.dataDir, 'blob-cache'), { recursive: true, force: true });
      await t.restart();
      const again = await t.admin.oip.infer('admin.cancer', first);
      assert.deepEqual(again.outputs, before.outputs);
      assert.ok(Buffer.from(await t.admin.downloadArtifact('admin/cancer', 1)).equals(Buffer.from(artifact)));
      // DuckDB reads the dataset's file: downloaded into the emptied cache first.
      const summary = await t.admin.datasetSummary('admin/cancer', 1);
      assert.equal(summary.length, 31);
    } finally {
      await t.close();
    }
  });
});
