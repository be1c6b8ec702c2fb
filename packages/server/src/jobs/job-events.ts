import { EventEmitter } from 'node:events';
import type { JobProgress } from './training-messages.js';

const ANY = Symbol('any job');

export type JobEvent =
  | { type: 'progress'; progress: JobProgress }
  | { type: 'state'; state: string; error?: string | null; result?: unknown };

/**
 * Live events of running jobs, for SSE subscribers in this process. What a late
 * subscriber missed is in the jobs table (state, last progress); this carries what
 * happens next.
 */
export class JobEvents {
  private emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  /** An event of a job this process runs or changed: its followers and `onAny` hear it. */
  publish(jobId: string, event: JobEvent): void {
    this.emitter.emit(jobId, event);
    this.emitter.emit(ANY, jobId, event);
  }

  /**
   * An event another process published (the cluster mode): only this process's
   * followers hear it; what follows a job's end (webhooks, proposals) ran where it ended.
   */
  deliver(jobId: string, event: JobEvent): void {
    this.emitter.emit(jobId, event);
  }

  /** Every job's events published here (webhooks follow jobs ending this way). */
  onAny(listener: (jobId: string, e: JobEvent) => void): void {
    this.emitter.on(ANY, listener);
  }

  subscribe(jobId: string, listener: (e: JobEvent) => void): () => void {
    this.emitter.on(jobId, listener);
    return () => this.emitter.off(jobId, listener);
  }
}
