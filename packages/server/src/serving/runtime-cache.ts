import { ResourceExhausted } from '../errors.js';
import type { ResolvedVersion } from '../registry/model-views.js';
import type { BatchingConfig, BatchObserver } from './dynamic-batcher.js';
import { DynamicBatcher } from './dynamic-batcher.js';
import type { ModelRuntime } from './runtimes/model-runtime.js';

export interface RuntimeLoader {
  load(version: ResolvedVersion): Promise<ModelRuntime>;
  /** Memory a version will take once loaded, known before loading it. */
  estimateMemory(version: ResolvedVersion): number;
}

/** A loaded version, held while a request uses it. */
export interface Lease {
  batcher: DynamicBatcher;
  release(): void;
}

/** A class, not an object of closures: one is made per request on the predict path. */
class EntryLease implements Lease {
  private released = false;
  constructor(
    readonly batcher: DynamicBatcher,
    private readonly unref: () => void,
  ) {}

  release(): void {
    if (this.released) return;
    this.released = true;
    this.unref();
  }
}

interface Entry {
  key: number;
  version: ResolvedVersion;
  label: { model: string; version: string };
  bytes: number;
  loading: Promise<{ runtime: ModelRuntime; batcher: DynamicBatcher }>;
  refs: number;
  evicted: boolean;
  disposed?: Promise<void>;
  /** Set once loaded, so that the predict path can lease without awaiting. */
  ready?: { runtime: ModelRuntime; batcher: DynamicBatcher };
}

export interface CacheObserver {
  loaded(label: { model: string; version: string }, bytes: number): void;
  unloaded(label: { model: string; version: string }): void;
  batchObserver(label: { model: string; version: string }): BatchObserver;
}

/**
 * Loaded model versions, least recently used first, under a memory budget. Loads are
 * lazy and shared (concurrent first requests wait on one load). Eviction takes an entry
 * out of the map at once but disposes its session only when the last request holding a
 * lease releases it, so a run never loses its session midway.
 */
export class RuntimeCache {
  private entries = new Map<number, Entry>();
  /** The entry last marked most recently used (the map's last), while it is in the map. */
  private newest: Entry | undefined;
  private usedBytes = 0;

  constructor(
    private readonly budgetBytes: number,
    private readonly loader: RuntimeLoader,
    private readonly batching: BatchingConfig,
    private readonly observer?: CacheObserver,
  ) {}

  get loadedCount(): number {
    return this.entries.size;
  }

  get memoryBytes(): number {
    return this.usedBytes;
  }

  /** A lease on a version that is already loaded, without awaiting; undefined otherwise. */
  tryAcquire(version: ResolvedVersion): Lease | undefined {
    const e = this.entries.get(version.versionId);
    if (!e?.ready) return undefined;
    // Re-inserted to mark it most recently used, unless it already is (one hot model: every call).
    if (this.newest !== e) {
      this.entries.delete(e.key);
      this.entries.set(e.key, e);
      this.newest = e;
    }
    e.refs++;
    return this.lease(e, e.ready.batcher);
  }

  async acquire(version: ResolvedVersion): Promise<Lease> {
    let entry = this.entries.get(version.versionId);
    if (entry) {
      // Re-insert to mark as most recently used.
      this.entries.delete(entry.key);
      this.entries.set(entry.key, entry);
      this.newest = entry;
    } else {
      entry = this.startLoad(version);
    }
    entry.refs++;
    const e = entry;
    try {
      const { batcher } = await e.loading;
      return this.lease(e, batcher);
    } catch (err) {
      this.unref(e);
      throw err;
    }
  }

  private lease(e: Entry, batcher: DynamicBatcher): Lease {
    return new EntryLease(batcher, () => this.unref(e));
  }

  /** Loads a version ahead of its first request (it then counts as just used). */
  async preload(version: ResolvedVersion): Promise<void> {
    (await this.acquire(version)).release();
  }

  /** The versions loaded now, least recently used first. */
  loadedVersions(): ResolvedVersion[] {
    return [...this.entries.values()].filter((e) => e.ready).map((e) => e.version);
  }

  /** Unloads one version (after a model is deleted, say). */
  evictVersion(versionId: number): void {
    const e = this.entries.get(versionId);
    if (e) this.evict(e);
  }

  /** Unloads everything; resolves once sessions not in use are disposed. */
  async close(): Promise<void> {
    const pending: Array<Promise<void>> = [];
    for (const e of [...this.entries.values()]) {
      this.evict(e);
      if (e.refs === 0) pending.push(e.disposed ?? Promise.resolve());
    }
    await Promise.all(pending);
  }

  private startLoad(version: ResolvedVersion): Entry {
    const bytes = this.loader.estimateMemory(version);
    if (bytes > this.budgetBytes) {
      throw new ResourceExhausted(
        `model ${version.fullName} version ${version.version} needs about ${bytes} bytes; the model memory budget is ${this.budgetBytes}`,
      );
    }
    this.makeRoom(bytes);
    const label = { model: version.fullName, version: String(version.version) };
    const outputs = version.signature.outputs.map((o) => o.name);
    const batchable = isBatchMajor(version);
    const entry: Entry = {
      key: version.versionId,
      version,
      label,
      bytes,
      refs: 0,
      evicted: false,
      loading: this.loader.load(version).then((runtime) => ({
        runtime,
        batcher: new DynamicBatcher(runtime, outputs, this.batching, batchable, this.observer?.batchObserver(label)),
      })),
    };
    this.usedBytes += bytes;
    this.entries.set(entry.key, entry);
    this.newest = entry;
    entry.loading.then(
      (loaded) => {
        if (!entry.evicted) entry.ready = loaded;
        this.observer?.loaded(label, bytes);
      },
      () => this.evict(entry),
    );
    return entry;
  }

  private makeRoom(bytes: number): void {
    for (const e of this.entries.values()) {
      if (this.usedBytes + bytes <= this.budgetBytes) return;
      this.evict(e);
    }
  }

  private evict(e: Entry): void {
    if (e.evicted) return;
    e.evicted = true;
    e.ready = undefined;
    if (this.entries.get(e.key) === e) this.entries.delete(e.key);
    if (this.newest === e) this.newest = undefined;
    this.usedBytes -= e.bytes;
    if (e.refs === 0) this.dispose(e);
  }

  private unref(e: Entry): void {
    e.refs--;
    if (e.evicted && e.refs === 0) this.dispose(e);
  }

  private dispose(e: Entry): void {
    e.disposed ??= e.loading.then(
      ({ runtime, batcher }) => {
        batcher.close(new Error('model unloaded'));
        this.observer?.unloaded(e.label);
        return runtime.dispose();
      },
      () => undefined,
    );
  }
}

/** Batching needs every input and output to have a dynamic first (batch) dimension. */
function isBatchMajor(v: ResolvedVersion): boolean {
  const all = [...v.signature.inputs, ...v.signature.outputs];
  return all.length > 0 && all.every((t) => t.shape.length > 0 && t.shape[0] === -1);
}
