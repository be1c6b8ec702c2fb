import fs from 'node:fs';
import path from 'node:path';
import type { ResolvedVersion } from '../registry/model-views.js';
import type { RuntimeCache } from './runtime-cache.js';
import type { ModelRuntime } from './runtimes/model-runtime.js';

/** What the cache needs of a version to load it (versions never change, so this never goes stale). */
export type WarmVersion = Pick<
  ResolvedVersion,
  'modelId' | 'fullName' | 'versionId' | 'version' | 'sha256' | 'sizeBytes' | 'signature' | 'format'
>;

export function warmVersionOf(v: WarmVersion): WarmVersion {
  const { modelId, fullName, versionId, version, sha256, sizeBytes, signature, format } = v;
  return { modelId, fullName, versionId, version, sha256, sizeBytes, signature, format };
}

/** At most this many versions are loaded again after a restart. */
const MAX_WARM = 50;
const SAVE_EVERY_MS = 30_000;

/**
 * Keeps a large model's first request from waiting for its load (a 10 MB forest takes a
 * quarter of a second in ONNX Runtime): the runtime an upload was loaded into to check it
 * is handed to the cache instead of being thrown away, and the versions loaded when the
 * server stopped (saved in the data folder every 30 s and on close) are loaded again
 * before it listens, within the cache's memory budget.
 */
export class WarmStart {
  private handoff = new Map<string, { runtime: ModelRuntime; timer: NodeJS.Timeout }>();
  private timer: NodeJS.Timeout | undefined;
  private saved = '';

  constructor(
    private readonly file: string,
    private readonly cache: RuntimeCache,
  ) {}

  /** Keeps a runtime loaded from `file` (an upload's check) for the cache to take; disposed unclaimed after a minute. */
  keep(file: string, runtime: ModelRuntime): void {
    void this.take(file)?.dispose();
    const timer = setTimeout(() => void this.take(file)?.dispose(), 60_000);
    timer.unref();
    this.handoff.set(file, { runtime, timer });
  }

  /** The runtime kept for `file`, if any (the cache's loader asks first). */
  take(file: string): ModelRuntime | undefined {
    const held = this.handoff.get(file);
    if (!held) return undefined;
    clearTimeout(held.timer);
    this.handoff.delete(file);
    return held.runtime;
  }

  /** Loads the versions saved at the last stop, most recently used last; returns how many loaded. */
  async restore(): Promise<number> {
    let versions: WarmVersion[];
    try {
      versions = JSON.parse(await fs.promises.readFile(this.file, 'utf8')) as WarmVersion[];
      if (!Array.isArray(versions)) return 0;
    } catch {
      return 0; // none saved (a first start), or unreadable: start cold
    }
    let loaded = 0;
    for (const v of versions.slice(-MAX_WARM)) if (await this.preload(v)) loaded++;
    this.saved = JSON.stringify(versions);
    return loaded;
  }

  /**
   * Loads a version another process created (`serve --workers`, a cluster's nodes), so
   * that its first request here does not wait either. Best effort: false when it is gone
   * since (a deleted model's blob) or over the budget; it then loads on demand, or never.
   */
  async preload(v: WarmVersion): Promise<boolean> {
    try {
      await this.cache.preload({ ...v, nativeSha256: null, details: null });
      return true;
    } catch {
      return false;
    }
  }

  /** Saves what is loaded now every 30 s (when it changed), so that even a killed server restarts warm. */
  start(): void {
    this.timer = setInterval(() => void this.save().catch(() => undefined), SAVE_EVERY_MS);
    this.timer.unref();
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.save().catch(() => undefined);
    for (const file of [...this.handoff.keys()]) await this.take(file)?.dispose();
  }

  private async save(): Promise<void> {
    const versions: WarmVersion[] = this.cache.loadedVersions().slice(-MAX_WARM).map(warmVersionOf);
    const text = JSON.stringify(versions);
    if (text === this.saved) return;
    const tmp = `${this.file}.${process.pid}.tmp`;
    await fs.promises.mkdir(path.dirname(this.file), { recursive: true });
    await fs.promises.writeFile(tmp, text);
    await fs.promises.rename(tmp, this.file);
    this.saved = text;
  }
}
