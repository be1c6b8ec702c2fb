import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type BlobInfo, type BlobStore, BlobTooLarge } from './blob-store.js';

const SHA256 = /^[0-9a-f]{64}$/;

/** A temporary file untouched this long belongs to no live writer (a write touches it). */
const STALE_TMP_MS = 6 * 3600 * 1000;

/**
 * Blobs in a folder: `<root>/sha256/ab/abcdef…`, temporaries in `<root>/tmp`. Several
 * processes may share the folder (a cluster's volume): temporaries have unique names and
 * a blob appears under its address only by an atomic rename.
 */
export class FsBlobStore implements BlobStore {
  private readonly tmpDir: string;

  constructor(private readonly root: string) {
    this.tmpDir = path.join(root, 'tmp');
    fs.mkdirSync(this.tmpDir, { recursive: true });
    // Temporaries left by a crash are never referenced; clear them at start, but only
    // stale ones: another process sharing the folder may be writing the fresh ones.
    const now = Date.now();
    for (const f of fs.readdirSync(this.tmpDir)) {
      const file = path.join(this.tmpDir, f);
      try {
        if (now - fs.statSync(file).mtimeMs > STALE_TMP_MS) fs.rmSync(file, { force: true });
      } catch {
        // Renamed or removed meanwhile by its writer.
      }
    }
  }

  async localPath(sha256: string): Promise<string> {
    return this.path(sha256);
  }

  private path(sha256: string): string {
    if (!SHA256.test(sha256)) throw new Error(`not a sha256: ${sha256}`);
    return path.join(this.root, 'sha256', sha256.slice(0, 2), sha256);
  }

  async put(source: Readable, maxBytes: number): Promise<BlobInfo> {
    const tmp = path.join(this.tmpDir, randomUUID());
    const hash = createHash('sha256');
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done: TransformCallback) {
        size += chunk.length;
        if (size > maxBytes) return done(new BlobTooLarge(maxBytes));
        hash.update(chunk);
        done(null, chunk);
      },
    });
    const out = fs.createWriteStream(tmp, { flags: 'wx' });
    try {
      await pipeline(source, meter, out);
      // fsync before the rename so that the name never points at unwritten data.
      const fd = await fs.promises.open(tmp, 'r');
      await fd.sync();
      await fd.close();
      const sha256 = hash.digest('hex');
      const final = this.path(sha256);
      await fs.promises.mkdir(path.dirname(final), { recursive: true });
      await fs.promises.rename(tmp, final);
      return { sha256, size };
    } catch (err) {
      // The stream opens its file lazily: a body refused early can fail the pipeline before
      // the open is done, and the file would appear after the removal. Wait for the close.
      if (!out.closed) await new Promise<void>((resolve) => out.once('close', () => resolve()));
      await fs.promises.rm(tmp, { force: true });
      throw err;
    }
  }

  read(sha256: string): Promise<Buffer> {
    return fs.promises.readFile(this.path(sha256));
  }

  async has(sha256: string): Promise<boolean> {
    return fs.promises.access(this.path(sha256)).then(
      () => true,
      () => false,
    );
  }

  async delete(sha256: string): Promise<void> {
    await fs.promises.rm(this.path(sha256), { force: true });
  }
}
