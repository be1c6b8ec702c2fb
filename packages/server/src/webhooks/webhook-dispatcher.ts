import { nowIso } from '../store/database.js';
import { signatureHeader } from './webhook-signature.js';
import type { WebhookStore } from './webhook-store.js';
import { checkTarget } from './webhook-target.js';

export interface DispatcherOptions {
  allowPrivate: boolean;
  /** The first retry waits this long; each next one twice as long. */
  retryBaseMs: number;
  maxAttempts: number;
  timeoutMs: number;
  log: (msg: string, fields?: Record<string, unknown>) => void;
}

/**
 * Sends what the outbox holds: every due delivery is POSTed, signed, with a timeout; a 2xx
 * answer delivers it, anything else (or no answer) schedules a retry with exponential
 * backoff until the attempts run out. Runs in the server process and resumes whatever a
 * stopped or killed process left pending.
 */
export class WebhookDispatcher {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly store: WebhookStore,
    private readonly opts: DispatcherOptions,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.wake(), 1_000);
    this.timer.unref();
    this.wake();
  }

  /** Looks for due deliveries now (an event was queued, a replay asked). */
  wake(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.wake();
      }
    });
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private async drain(): Promise<void> {
    try {
      while (this.timer) {
        // Claimed for longer than a send can take (the timeout) with room to record it.
        const leaseUntil = new Date(Date.now() + this.opts.timeoutMs + 30_000).toISOString();
        const due = await this.store.claimDue(nowIso(), leaseUntil, 20);
        if (due.length === 0) return;
        // Sent even when closing meanwhile: they are claimed, and close() waits for this.
        await Promise.all(due.map((d) => this.send(d)));
      }
    } catch (err) {
      this.opts.log('webhook dispatch failed', { err: String(err) });
    }
  }

  private async send(d: { id: number; url: string; secret: string; payload: string; event: string; attempts: number }) {
    let status: number | null = null;
    let error: string | null = null;
    try {
      await checkTarget(d.url, this.opts.allowPrivate);
      const res = await fetch(d.url, {
        method: 'POST',
        body: d.payload,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.opts.timeoutMs),
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Marquee-Webhooks/1',
          'marquee-event': d.event,
          'marquee-delivery': String(d.id),
          'marquee-signature': signatureHeader(d.secret, d.payload, Math.floor(Date.now() / 1000)),
        },
      });
      status = res.status;
      await res.arrayBuffer().catch(() => undefined);
      if (status < 200 || status >= 300) error = `answered ${status}`;
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
    }
    const delivered = error === null;
    const attempt = d.attempts + 1;
    const nextAt =
      !delivered && attempt < this.opts.maxAttempts
        ? new Date(Date.now() + this.opts.retryBaseMs * 2 ** (attempt - 1)).toISOString()
        : null;
    await this.store.attempted(d.id, { delivered, status, error, nextAt });
  }
}
