import fs from 'node:fs';
import type { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  NotFound,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { BlobInfo, BlobStore } from './blob-store.js';
import { FsBlobStore } from './fs-blob-store.js';

/** Parts of a multipart upload: S3's minimum is 5 MiB. */
const PART_BYTES = 8 * 1024 * 1024;

export interface S3Location {
  bucket: string;
  /** Key prefix without a trailing slash ('' for the bucket's root). */
  prefix: string;
}

/** `s3://bucket/some/prefix` → bucket and prefix. */
export function parseS3Url(url: string): S3Location {
  const u = new URL(url);
  if (u.protocol !== 's3:' || !u.hostname) throw new Error(`not an s3://bucket/prefix URL: ${url}`);
  return { bucket: u.hostname, prefix: u.pathname.replace(/^\/+|\/+$/g, '') };
}

/**
 * Blobs in an S3-compatible object store, under `<prefix>/sha256/ab/abcdef…`, with a
 * local cache in front: a blob is hashed (and held to its size limit) into the cache
 * first, since its address is its hash, then sent as a multipart upload; readers that
 * open files (ONNX Runtime, DuckDB) get the cached copy, streamed down on first use and
 * checked against its address. The cache is content-addressed, so it never goes stale;
 * deleting it only costs downloads.
 */
export class S3BlobStore implements BlobStore {
  private readonly cache: FsBlobStore;

  constructor(
    private readonly client: S3Client,
    private readonly where: S3Location,
    cacheDir: string,
  ) {
    this.cache = new FsBlobStore(cacheDir);
  }

  /** A client for MARQUEE_BLOB_URL, configured as the AWS tools are (AWS_REGION, AWS_ENDPOINT_URL, credentials). */
  static fromUrl(url: string, cacheDir: string, env: NodeJS.ProcessEnv = process.env): S3BlobStore {
    const endpoint = env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined;
    const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey } = env;
    const client = new S3Client({
      region: env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1',
      // Other stores than AWS's (MinIO, Ceph, s3rver) address buckets by path.
      ...(endpoint && { endpoint, forcePathStyle: true }),
      // Keys from the variables given; else the SDK's chain (profiles, instance and pod roles).
      ...(accessKeyId &&
        secretAccessKey && {
          credentials: { accessKeyId, secretAccessKey, sessionToken: env.AWS_SESSION_TOKEN || undefined },
        }),
    });
    return new S3BlobStore(client, parseS3Url(url), cacheDir);
  }

  private key(sha256: string): string {
    const rel = `sha256/${sha256.slice(0, 2)}/${sha256}`;
    return this.where.prefix ? `${this.where.prefix}/${rel}` : rel;
  }

  async put(source: Readable, maxBytes: number): Promise<BlobInfo> {
    const info = await this.cache.put(source, maxBytes);
    // Content-addressed: an object already under this key holds these very bytes.
    if (await this.has(info.sha256)) return info;
    const upload = new Upload({
      client: this.client,
      params: {
        Bucket: this.where.bucket,
        Key: this.key(info.sha256),
        Body: fs.createReadStream(await this.cache.localPath(info.sha256)),
        ContentLength: info.size,
      },
      partSize: PART_BYTES,
      queueSize: 4,
      leavePartsOnError: false,
    });
    await upload.done();
    return info;
  }

  async localPath(sha256: string): Promise<string> {
    if (await this.cache.has(sha256)) return this.cache.localPath(sha256);
    const res = await this.client.send(new GetObjectCommand({ Bucket: this.where.bucket, Key: this.key(sha256) }));
    const body = res.Body as Readable | undefined;
    if (!body) throw new Error(`blob ${sha256} has no body in s3://${this.where.bucket}`);
    const got = await this.cache.put(body, Number.MAX_SAFE_INTEGER);
    if (got.sha256 !== sha256) {
      await this.cache.delete(got.sha256);
      throw new Error(`blob ${sha256} in s3://${this.where.bucket} does not match its address (got ${got.sha256})`);
    }
    return this.cache.localPath(sha256);
  }

  async read(sha256: string): Promise<Buffer> {
    return fs.promises.readFile(await this.localPath(sha256));
  }

  async has(sha256: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.where.bucket, Key: this.key(sha256) }));
      return true;
    } catch (err) {
      if (err instanceof NotFound || (err instanceof S3ServiceException && err.$metadata.httpStatusCode === 404))
        return false;
      throw err;
    }
  }

  async delete(sha256: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.where.bucket, Key: this.key(sha256) }));
    await this.cache.delete(sha256);
  }
}
