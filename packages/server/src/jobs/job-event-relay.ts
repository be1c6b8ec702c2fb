import type { ClusterBus } from '../store/cluster-bus/cluster-bus.js';
import { MAX_PAYLOAD_BYTES } from '../store/cluster-bus/postgres-bus.js';
import type { JobEvent, JobEvents } from './job-events.js';
import type { JobRow } from './job-store.js';

const TOPIC = 'job.event';

interface Relayed {
  id: string;
  e: JobEvent;
  /** The result was too large to send: the receiver reads it from the jobs table. */
  reload?: true;
}

/**
 * Carries job events between processes, so that a client following a job on one API
 * node sees the progress of the worker that runs it on another host.
 */
export function relayJobEvents(
  events: JobEvents,
  bus: ClusterBus,
  load: (id: string) => Promise<JobRow | undefined>,
  log: (msg: string, fields?: Record<string, unknown>) => void,
): void {
  if (!bus.shared) return;
  events.onAny((id, e) => {
    let msg: Relayed = { id, e };
    if (Buffer.byteLength(JSON.stringify(msg)) > MAX_PAYLOAD_BYTES - 200) {
      if (e.type !== 'state') return; // a progress report too large to relay: the next one comes
      msg = { id, e: { type: 'state', state: e.state, error: e.error ?? null }, reload: true };
    }
    bus.publish(TOPIC, msg).catch((err) => log('job event not relayed', { job: id, err: String(err) }));
  });
  bus.subscribe(TOPIC, (payload) => {
    const { id, e, reload } = payload as Relayed;
    if (!reload || e.type !== 'state') return events.deliver(id, e);
    void load(id).then(
      (row) => events.deliver(id, { ...e, result: row?.result ? JSON.parse(row.result) : null }),
      (err: unknown) => log('job event not relayed', { job: id, err: String(err) }),
    );
  });
}
