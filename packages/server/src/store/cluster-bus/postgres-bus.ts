import { sql } from 'kysely';
import pg from 'pg';
import type { Db } from '../database.js';
import { type ClusterBus, newNodeId, RECONNECTED } from './cluster-bus.js';

const CHANNEL = 'marquee';
/** PostgreSQL refuses NOTIFY payloads of 8000 bytes or more. */
export const MAX_PAYLOAD_BYTES = 7_900;

interface Envelope {
  /** The sender's node id: a process ignores its own messages. */
  o: string;
  t: string;
  p: unknown;
}

/**
 * The cluster mode's bus: NOTIFY through the shared pool, LISTEN on one connection of
 * its own (a pooled connection would drop the LISTEN when returned). A lost listening
 * connection is reopened with backoff, and subscribers hear `reconnected`, since what
 * was sent meanwhile is gone.
 */
export class PostgresBus implements ClusterBus {
  readonly nodeId = newNodeId();
  readonly shared = true;
  private listeners = new Map<string, Array<(payload: unknown) => void>>();
  private client: pg.Client | undefined;
  private closed = false;
  private retryMs = 250;

  constructor(
    private readonly url: string,
    private readonly db: Db,
    private readonly log: (msg: string, fields?: Record<string, unknown>) => void = () => {},
  ) {}

  async start(): Promise<void> {
    await this.listen();
  }

  async publish(topic: string, payload: unknown): Promise<void> {
    const text = JSON.stringify({ o: this.nodeId, t: topic, p: payload } satisfies Envelope);
    if (Buffer.byteLength(text) > MAX_PAYLOAD_BYTES)
      throw new Error(
        `a cluster message on "${topic}" is ${Buffer.byteLength(text)} bytes; the most is ${MAX_PAYLOAD_BYTES}`,
      );
    await sql`SELECT pg_notify(${CHANNEL}, ${text})`.execute(this.db);
  }

  subscribe(topic: string, listener: (payload: unknown) => void): void {
    const list = this.listeners.get(topic) ?? [];
    list.push(listener);
    this.listeners.set(topic, list);
  }

  async close(): Promise<void> {
    this.closed = true;
    const c = this.client;
    this.client = undefined;
    await c?.end().catch(() => undefined);
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url });
    client.on('notification', (n) => {
      if (n.channel !== CHANNEL || !n.payload) return;
      let env: Envelope;
      try {
        env = JSON.parse(n.payload) as Envelope;
      } catch {
        return;
      }
      if (env.o !== this.nodeId) this.deliver(env.t, env.p);
    });
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    this.client = client;
    this.retryMs = 250;
  }

  private lost(client: pg.Client, err: Error): void {
    if (this.closed || this.client !== client) return;
    this.client = undefined;
    this.log('cluster bus connection lost; reconnecting', { err: err.message });
    const retry = () => {
      if (this.closed) return;
      this.listen().then(
        () => this.deliver(RECONNECTED, null),
        (e: unknown) => {
          this.log('cluster bus reconnect failed', { err: String(e) });
          this.retryMs = Math.min(this.retryMs * 2, 10_000);
          setTimeout(retry, this.retryMs).unref();
        },
      );
    };
    setTimeout(retry, this.retryMs).unref();
  }

  private deliver(topic: string, payload: unknown): void {
    for (const l of this.listeners.get(topic) ?? []) {
      try {
        l(payload);
      } catch (err) {
        this.log('cluster message handler failed', { topic, err: String(err) });
      }
    }
  }
}
