import type { ClusterBus } from '../store/cluster-bus/cluster-bus.js';
import { type WarmStart, type WarmVersion, warmVersionOf } from './warm-start.js';

const CREATED = 'version.created';
const LOADED = 'version.loaded';

/**
 * A new version loaded in every serving process before its upload answers: the process
 * that created it tells the others over the bus, each loads it (warm-start.ts) and says
 * so, and the creator waits for them (`serve --workers`: a known number of processes),
 * up to a bound, after which the version loads on demand where it is still missing. A
 * cluster's API nodes are not counted: they load it as they hear of it, unawaited.
 */
export class WarmPeers {
  private readonly waiting = new Map<number, { left: number; done: () => void }>();

  constructor(
    private readonly bus: ClusterBus,
    /** How many other processes to wait for (0: tell them, wait for none). */
    private readonly peers: number,
    private readonly warm: WarmStart | undefined,
    private readonly timeoutMs = 5_000,
  ) {
    if (!bus.shared) return;
    bus.subscribe(CREATED, (v) => void this.load(v as WarmVersion));
    bus.subscribe(LOADED, (p) => this.loaded((p as { versionId: number }).versionId));
  }

  /** Tells the other processes about a new version and waits until they have loaded it. */
  async created(v: WarmVersion): Promise<void> {
    if (!this.bus.shared) return;
    const acknowledged =
      this.peers > 0
        ? new Promise<void>((resolve) => {
            const timer = setTimeout(() => {
              this.waiting.delete(v.versionId);
              resolve();
            }, this.timeoutMs);
            timer.unref();
            this.waiting.set(v.versionId, {
              left: this.peers,
              done: () => {
                clearTimeout(timer);
                resolve();
              },
            });
          })
        : undefined;
    await this.bus.publish(CREATED, warmVersionOf(v));
    await acknowledged;
  }

  private async load(v: WarmVersion): Promise<void> {
    // Answered whether it loaded or not (gone, over the budget, a process that serves nothing).
    if (this.warm) await this.warm.preload(v);
    await this.bus.publish(LOADED, { versionId: v.versionId }).catch(() => undefined);
  }

  private loaded(versionId: number): void {
    const w = this.waiting.get(versionId);
    if (!w) return;
    if (--w.left > 0) return;
    this.waiting.delete(versionId);
    w.done();
  }
}
