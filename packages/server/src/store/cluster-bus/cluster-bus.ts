import { randomBytes } from 'node:crypto';
import os from 'node:os';

/**
 * Messages between the processes that share one store: "this model changed", "a job
 * was queued", "job X made progress". In the embedded mode there is one process and
 * nobody else to tell; in the cluster mode PostgreSQL's LISTEN/NOTIFY carries them.
 * Delivery is at most once and only to processes listening at the time, so receivers
 * treat a message as a hint (drop a cache entry, look at the queue) and the database
 * stays the truth; after a lost connection every subscriber hears `reconnected`.
 */
export interface ClusterBus {
  /** This process's name among the others (also a job lease's owner). */
  readonly nodeId: string;
  /** True when other processes may be listening (the cluster mode). */
  readonly shared: boolean;
  publish(topic: string, payload: unknown): Promise<void>;
  subscribe(topic: string, listener: (payload: unknown) => void): void;
  close(): Promise<void>;
}

/** The topic every subscriber hears after the bus lost its connection (messages may be missed). */
export const RECONNECTED = 'reconnected';

export function newNodeId(): string {
  return `${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

/** The embedded mode's bus: one process, so publishing tells nobody. */
export class LocalBus implements ClusterBus {
  readonly nodeId = newNodeId();
  readonly shared = false;
  async publish(): Promise<void> {}
  subscribe(): void {}
  async close(): Promise<void> {}
}
