import { EventEmitter } from 'node:events';
import type { JobProgress } from './training-messages.js';

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
  }

  subscribe(jobId: string, listener: (e: JobEvent) => void): () => void {
    this.emitter.on(jobId, listener);
    return () => this.emitter.off(jobId, listener);
  }
}
