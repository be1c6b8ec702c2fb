import type { ClusterBus } from '../store/cluster-bus/cluster-bus.js';
import type { JobRunner } from './job-runner.js';

/**
 * How the jobs service reaches the runners: this process's own (absent on an API node
 * started with --no-jobs) and, in the cluster mode, every worker through the bus.
 */
export class JobSignals {
  constructor(
    private readonly bus: ClusterBus,
    private readonly runner: JobRunner | undefined,
    private readonly log: (msg: string, fields?: Record<string, unknown>) => void,
  ) {
    bus.subscribe('jobs.queued', () => runner?.wake());
    bus.subscribe('jobs.cancelled', (p) => runner?.drop((p as { id: string }).id));
  }

  /** A job was queued: some runner should look. */
  queued(): void {
    this.runner?.wake();
    this.send('jobs.queued', null);
  }

  /** Stops a job if this process runs it; true when it did. */
  cancelHere(id: string): boolean {
    return this.runner?.cancel(id) ?? false;
  }

  /** A running job was marked cancelled in the table: whichever runner has it stops its thread. */
  cancelled(id: string): void {
    this.send('jobs.cancelled', { id });
  }

  private send(topic: string, payload: unknown): void {
    this.bus.publish(topic, payload).catch((err) => this.log('job signal not sent', { topic, err: String(err) }));
  }
}
