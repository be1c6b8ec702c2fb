import type { Readable } from 'node:stream';

/** A blob as stored: addressed by the sha256 of its content. */
export interface BlobInfo {
  sha256: string;
  size: number;
}

/**
 * Content-addressed blob storage: a folder (local, or a volume several processes share)
 * or an S3-compatible object store behind the same methods.
 */
export interface BlobStore {
  /**
   * Streams `source` into the store. The blob becomes visible only once complete (written
   * to a temporary name, then renamed), so a crash never leaves a partial blob under its
   * address. Throws TooLarge when more than `maxBytes` arrive; nothing is kept then.
   */
  put(source: Readable, maxBytes: number): Promise<BlobInfo>;
  /**
   * A local file holding the blob, for readers that open files (ONNX Runtime, DuckDB):
   * the blob itself in a folder store, a checked cached copy of a remote one.
   */
  localPath(sha256: string): Promise<string>;
  read(sha256: string): Promise<Buffer>;
  has(sha256: string): Promise<boolean>;
  delete(sha256: string): Promise<void>;
}

export class BlobTooLarge extends Error {
  constructor(readonly maxBytes: number) {
    super(`more than ${maxBytes} bytes`);
  }
}
