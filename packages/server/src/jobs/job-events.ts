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

  publish(jobId: string, event: JobEvent): void {
    this.emitter.emit(jobId, event);
    this.emitter.emit(ANY, jobId, event);
  }

  /** Every job's events (webhooks follow jobs ending this way). */
  onAny(listener: (jobId: string, e: JobEvent) => void): void {
    this.emitter.on(ANY, listener);
  }

  subscribe(jobId: string, listener: (e: JobEvent) => void): () => void {
    this.emitter.on(jobId, listener);
    return () => this.emitter.off(jobId, listener);
  }
}
