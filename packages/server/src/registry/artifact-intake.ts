import { Readable } from 'node:stream';
import { InvalidOnnxModel, readOnnxModelInfo } from '@marquee/engine';
import { Invalid, PayloadTooLarge } from '../errors.js';
import { type BlobStore, BlobTooLarge } from '../store/blobs/blob-store.js';
import type { ArtifactFormat, Signature } from './model-views.js';
import type { RegistryStore } from './registry-store.js';

/** Loads an artifact in the runtime that will serve it; throws when it cannot. */
export type ArtifactValidator = (path: string, signature: Signature, format: ArtifactFormat) => Promise<void>;

/** Throws when the owner may not hold this many more bytes (the quotas domain). */
export type StorageCheck = (ownerId: number, bytes: number) => Promise<void>;

interface StoredBlob {
  sha256: string;
  size: number;
}

/**
 * How an artifact becomes fit to be a version, before the registry records one: its
 * bytes in the blob store, its signature read from the graph, loaded once by the runtime
 * that will serve it, and its owner's storage checked. Blobs are content-addressed and
 * may be shared, so one goes again only when no version refers to it.
 */
export class ArtifactIntake {
  constructor(
    private readonly store: RegistryStore,
    private readonly blobs: BlobStore,
    private readonly validate: ArtifactValidator,
    private readonly checkStorage: StorageCheck,
  ) {}

  /** An uploaded ONNX file, streamed in; anything wrong with it removes it again and throws. */
  async upload(body: Readable, maxBytes: number, ownerId: number): Promise<StoredBlob & { signature: Signature }> {
    let blob: StoredBlob;
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
      await this.validate(await this.blobs.localPath(blob.sha256), signature, 'onnx');
    } catch (err) {
      await this.deleteIfUnused(blob.sha256);
      const reason = err instanceof Error ? err.message : String(err);
      throw new Invalid(`not a valid ONNX model: ${reason.replace(/^not an ONNX model: /, '')}`);
    }
    try {
      await this.checkStorage(ownerId, blob.size);
    } catch (err) {
      await this.deleteIfUnused(blob.sha256);
      throw err;
    }
    return { ...blob, signature };
  }

  /**
   * What a training job made: the engine artifact, and the ONNX export when the pipeline
   * has one (then the version is served from it, else by the engine from its own).
   */
  async trained(
    files: { onnx: Uint8Array | null; native: Uint8Array; nativeSignature: Signature },
    ownerId: number,
  ): Promise<{ served: StoredBlob; nativeSha256: string; signature: Signature; format: ArtifactFormat }> {
    const native = await this.blobs.put(Readable.from([Buffer.from(files.native)]), Number.MAX_SAFE_INTEGER);
    let served = native;
    let signature = files.nativeSignature;
    if (files.onnx) {
      served = await this.blobs.put(Readable.from([Buffer.from(files.onnx)]), Number.MAX_SAFE_INTEGER);
      const info = readOnnxModelInfo(files.onnx);
      signature = { inputs: info.inputs, outputs: info.outputs };
    }
    const format = files.onnx ? 'onnx' : 'native';
    await this.checkStorage(ownerId, served.size);
    await this.validate(await this.blobs.localPath(served.sha256), signature, format);
    return { served, nativeSha256: native.sha256, signature, format };
  }

  localPath(sha256: string): Promise<string> {
    return this.blobs.localPath(sha256);
  }

  async deleteIfUnused(sha256: string): Promise<void> {
    if (!(await this.store.isBlobReferenced(sha256))) await this.blobs.delete(sha256);
  }
}
