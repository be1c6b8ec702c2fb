/**
 * Counts predictions and downloads per model in memory and hands them to `flush` every
 * `intervalMs` (and on close), so the predict path pays one Map update, never a write.
 * A crash loses at most one interval's counts.
 */
export class UsageCounter {
  private pending = new Map<number, { downloads: number; predictions: number }>();
  private timer: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly flushTo: (
      rows: Array<{ modelId: number; day: string; downloads: number; predictions: number }>,
    ) => Promise<void>,
    intervalMs = 5_000,
  ) {
    this.timer = setInterval(() => void this.flush(), intervalMs);
    this.timer.unref();
  }

  prediction(modelId: number): void {
    const c = this.pending.get(modelId);
    if (c) c.predictions++;
    else this.pending.set(modelId, { downloads: 0, predictions: 1 });
  }

  download(modelId: number): void {
    const c = this.pending.get(modelId);
    if (c) c.downloads++;
    else this.pending.set(modelId, { downloads: 1, predictions: 0 });
  }

  /** Writes what was counted since the last flush (counted to the day of the flush, UTC). */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      if (this.pending.size === 0) return;
      const counted = this.pending;
      this.pending = new Map();
      const day = new Date().toISOString().slice(0, 10);
      await this.flushTo([...counted].map(([modelId, c]) => ({ modelId, day, ...c }))).catch(() => {
        // The store is closing or busy: put the counts back for the next flush.
        for (const [id, c] of counted) {
          const now = this.pending.get(id);
          if (now) {
            now.downloads += c.downloads;
            now.predictions += c.predictions;
          } else this.pending.set(id, c);
        }
      });
    });
    return this.flushing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
