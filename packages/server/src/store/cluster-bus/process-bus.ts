import type { Worker } from 'node:cluster';
import { type ClusterBus, newNodeId } from './cluster-bus.js';

/** Marks bus traffic among the other messages on a worker's IPC channel. */
const KEY = 'marquee.bus';

interface Envelope {
  [KEY]: { topic: string; payload: unknown };
}

function isEnvelope(msg: unknown): msg is Envelope {
  return typeof msg === 'object' && msg !== null && KEY in msg;
}

/**
 * The bus between the processes of one `serve --workers N` on a SQLite store: a worker
 * sends on its IPC channel and the supervising process passes the message to every other
 * worker (relayProcessBus). Like LISTEN/NOTIFY, a message reaches only the processes up
 * at the time: a worker that is restarted begins with empty caches.
 */
export class ProcessBus implements ClusterBus {
  readonly nodeId = newNodeId();
  readonly shared = true;
  private readonly listeners = new Map<string, Set<(payload: unknown) => void>>();
  private readonly onMessage = (msg: unknown) => {
    if (!isEnvelope(msg)) return;
    const { topic, payload } = msg[KEY];
    for (const listener of this.listeners.get(topic) ?? []) listener(payload);
  };

  constructor(private readonly channel: NodeJS.Process = process) {
    if (!channel.send) throw new Error('a ProcessBus needs an IPC channel (a process started by cluster.fork)');
    channel.on('message', this.onMessage);
  }

  async publish(topic: string, payload: unknown): Promise<void> {
    if (!this.channel.connected) return;
    const envelope: Envelope = { [KEY]: { topic, payload } };
    await new Promise<void>((resolve, reject) =>
      this.channel.send?.(envelope, undefined, undefined, (err) => (err ? reject(err) : resolve())),
    );
  }

  subscribe(topic: string, listener: (payload: unknown) => void): void {
    const set = this.listeners.get(topic) ?? new Set();
    set.add(listener);
    this.listeners.set(topic, set);
  }

  async close(): Promise<void> {
    this.channel.off('message', this.onMessage);
    this.listeners.clear();
  }
}

/** In the supervising process: passes each worker's bus messages on to the other workers. */
export function relayProcessBus(from: Worker, workers: () => Iterable<Worker>): void {
  from.on('message', (msg: unknown) => {
    if (!isEnvelope(msg)) return;
    for (const w of workers()) if (w !== from && w.isConnected()) w.send(msg);
  });
}
