import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '@marquee/engine';
import type { AuthService } from '../auth/auth-service.js';
import type { Principal } from '../auth/scopes.js';
import type { JobEvents } from './job-events.js';
import type { JobKindHandler } from './job-kind.js';
import type { JobRow, JobStore } from './job-store.js';
import type { JobProgress, WorkerMessage } from './training-messages.js';

interface Running {
  job: JobRow;
  worker: Worker;
  timer: NodeJS.Timeout;
  /** Why the runner stopped the worker (cancel, time limit, shutdown), if it did. */
  stopReason?: 'cancelled' | 'time limit' | 'shutdown';
}

export interface JobRunnerOptions {
  concurrency: number;
  /** Seconds a job may run when it does not ask for less. */
  timeLimitS: number;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

/**
 * Runs queued jobs on worker threads, `concurrency` at a time. The queue is the jobs
 * table: a job is claimed by moving it to running in a transaction, so a restart finds
 * interrupted jobs and requeues them (JobStore.recoverInterrupted). Progress goes to the
 * table (the latest) and to live subscribers; what a worker made is registered (by its
 * kind's handler) only when it finished. Cancel and time limits terminate the
 * thread, which stops even a fit that never checks for cancellation.
 */
export class JobRunner {
  private running = new Map<string, Running>();
  private stopped = false;
  private pumping = false;
  private poll: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: JobStore,
    private readonly events: JobEvents,
    private readonly kinds: Record<JobRow['kind'], JobKindHandler>,
    private readonly auth: AuthService,
    private readonly opts: JobRunnerOptions,
  ) {}

  /** Requeues what a previous process left running, then starts taking jobs. */
  async start(): Promise<void> {
    const { requeued, failed } = await this.store.recoverInterrupted();
    if (requeued.length || failed.length) this.opts.log?.('recovered interrupted jobs', { requeued, failed });
    // New jobs wake the runner at once; the poll is a safety net (another process, a missed wake).
    this.poll = setInterval(() => this.wake(), 2_000);
    this.poll.unref();
    this.wake();
  }

  /** Looks for queued work now. */
  wake(): void {
    if (this.pumping || this.stopped) return;
    this.pumping = true;
    void (async () => {
      try {
        while (!this.stopped && this.running.size < this.opts.concurrency) {
          const job = await this.store.claimNext();
          if (!job) break;
          await this.launch(job);
        }
      } catch (err) {
        this.opts.log?.('job runner error', { error: String(err) });
      } finally {
        this.pumping = false;
      }
    })();
  }

  /** Stops a running job; true when it was running here. */
  cancel(jobId: string): boolean {
    const r = this.running.get(jobId);
    if (!r) return false;
    r.stopReason = 'cancelled';
    void r.worker.terminate();
    return true;
  }

  /** Stops taking jobs and stops running ones; they stay `running` in the table and are requeued at the next start. */
  async close(): Promise<void> {
    this.stopped = true;
    if (this.poll) clearInterval(this.poll);
    await Promise.all(
      [...this.running.values()].map((r) => {
        r.stopReason = 'shutdown';
        clearTimeout(r.timer);
        return r.worker.terminate();
      }),
    );
  }

  private async launch(job: JobRow): Promise<void> {
    const handler = this.kinds[job.kind];
    let input: unknown;
    let creator: Principal;
    try {
      creator = await this.auth.principalForJob(job.created_by, job.id);
      input = await handler.prepare(job, creator);
    } catch (err) {
      await this.fail(job, `the job cannot start: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    this.events.publish(job.id, { type: 'state', state: 'running' });
    const worker = startModuleWorker(handler.module, input);
    const limitS = Math.min(job.time_limit_s, this.opts.timeLimitS);
    const run: Running = {
      job,
      worker,
      timer: setTimeout(() => {
        run.stopReason = 'time limit';
        void worker.terminate();
      }, limitS * 1000),
    };
    this.running.set(job.id, run);
    let settled = false;
    const settle = async (outcome: () => Promise<void>) => {
      if (settled) return;
      settled = true;
      clearTimeout(run.timer);
      try {
        await outcome();
      } catch (err) {
        this.opts.log?.('job settle error', { job: job.id, error: String(err) });
      } finally {
        this.running.delete(job.id);
        this.wake();
      }
    };
    worker.on('message', (m: WorkerMessage<unknown>) => {
      if (m.type === 'progress') void this.progress(job, m.progress);
      else if (m.type === 'result') void settle(() => this.commit(job, handler, creator, m.result));
      else void settle(() => this.fail(job, m.message));
    });
    worker.on('error', (err) => void settle(() => this.fail(job, `the training thread failed: ${err.message}`)));
    worker.on('exit', () => {
      void settle(async () => {
        if (run.stopReason === 'shutdown') return; // left running: requeued at the next start
        if (run.stopReason === 'cancelled') await this.finish(job, 'cancelled', {});
        else if (run.stopReason === 'time limit')
          await this.fail(job, `the job ran past its time limit of ${limitS} s`);
        else await this.fail(job, 'the training thread stopped without a result');
      });
    });
  }

  private async progress(job: JobRow, p: JobProgress): Promise<void> {
    this.events.publish(job.id, { type: 'progress', progress: p });
    await this.store.setProgress(job.id, JSON.stringify(p));
  }

  private async commit(job: JobRow, handler: JobKindHandler, creator: Principal, output: unknown): Promise<void> {
    let result: Record<string, unknown>;
    try {
      result = await handler.commit(job, creator, output);
    } catch (err) {
      await this.fail(job, err instanceof Error ? err.message : String(err));
      return;
    }
    await this.finish(job, 'succeeded', { result });
  }

  private fail(job: JobRow, error: string): Promise<void> {
    return this.finish(job, 'failed', { error });
  }

  private async finish(
    job: JobRow,
    state: 'succeeded' | 'failed' | 'cancelled',
    fields: { result?: unknown; error?: string },
  ): Promise<void> {
    const done = await this.store.finish(job.id, ['running', 'queued'], state, {
      result: fields.result === undefined ? undefined : JSON.stringify(fields.result),
      error: fields.error,
    });
    if (done) this.events.publish(job.id, { type: 'state', state, error: fields.error ?? null, result: fields.result });
  }
}
