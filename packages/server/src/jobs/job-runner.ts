import type { Worker } from 'node:worker_threads';
import { createTerminationGuard, startModuleWorker, terminateSafely } from '@marquee/engine';
import type { AuthService } from '../auth/auth-service.js';
import type { Principal } from '../auth/scopes.js';
import type { JobEvents } from './job-events.js';
import type { JobKindHandler, SubJobs } from './job-kind.js';
import type { JobRow, JobStore } from './job-store.js';
import type { JobProgress, WorkerMessage } from './training-messages.js';

interface Running {
  job: JobRow;
  /** The job's thread; absent while the job waits for its sub-jobs (it takes no thread then). */
  worker?: Worker;
  /** Shared with the thread: it is never terminated inside a native call (DuckDB, ONNX Runtime). */
  guard: Int32Array;
  timer: NodeJS.Timeout;
  /** Why the runner stopped the worker (cancel, time limit, shutdown, lease lost), if it did. */
  stopReason?: 'cancelled' | 'time limit' | 'shutdown' | 'lease lost';
}

export interface JobRunnerOptions {
  concurrency: number;
  /** Seconds a job may run when it does not ask for less. */
  timeLimitS: number;
  /** This process's name: the owner of the leases it takes. */
  nodeId: string;
  /** A lease lasts this long unless renewed (renewed every third of it). */
  leaseMs: number;
  /**
   * At start, requeue every job left running: true when this is the only runner (the
   * embedded mode). With several runners, only lapsed leases say a job was interrupted.
   */
  soleRunner: boolean;
  /** How often to look at the queue without being woken (a missed wake, a lapsed lease). */
  pollMs: number;
  /** Spread the work of jobs that can (search trials, CV folds) over sub-jobs: when other runners share the queue. */
  fanOut: boolean;
  /** Sub-jobs were queued: wake the other runners too. */
  onQueued?: () => void;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

/**
 * Runs queued jobs on worker threads, `concurrency` at a time. The queue is the jobs
 * table: a job is claimed by moving it to running under a lease this runner renews
 * (heartbeats) while the thread works. A lease that lapses (the process was killed, or
 * cut off from the database) sends the job back to the queue for any runner; a runner
 * that finds its lease gone stops the thread and registers nothing. Progress goes to the
 * table (the latest) and to live subscribers; what a thread made is registered (by its
 * kind's handler) only when it finished, and only while the lease holds. Cancel and time
 * limits terminate the thread, which stops even a fit that never checks for cancellation.
 */
export class JobRunner {
  private running = new Map<string, Running>();
  private stopped = false;
  private pumping = false;
  private poll: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: JobStore,
    private readonly events: JobEvents,
    private readonly kinds: Record<JobRow['kind'], JobKindHandler>,
    private readonly auth: AuthService,
    private readonly opts: JobRunnerOptions,
  ) {}

  /** Requeues what a previous process left running, then starts taking jobs. */
  async start(): Promise<void> {
    if (this.opts.soleRunner) this.recovered(await this.store.recoverInterrupted());
    // New jobs wake the runner at once; the poll is a safety net (a missed wake).
    this.poll = setInterval(() => this.wake(), this.opts.pollMs);
    this.poll.unref();
    this.heartbeat = setInterval(() => void this.beat(), Math.max(50, Math.floor(this.opts.leaseMs / 3)));
    this.heartbeat.unref();
    this.wake();
  }

  private recovered(r: { requeued: string[]; failed: string[] }): void {
    if (r.requeued.length || r.failed.length) this.opts.log?.('recovered interrupted jobs', r);
  }

  private leaseUntil(): string {
    return new Date(Date.now() + this.opts.leaseMs).toISOString();
  }

  /** Renews this runner's leases, stops threads whose lease is gone, and requeues lapsed ones. */
  private async beat(): Promise<void> {
    try {
      for (const [id, run] of this.running) {
        if (run.stopReason) continue;
        if (!(await this.store.renewLease(id, this.opts.nodeId, this.leaseUntil()))) this.drop(id);
      }
      const lapsed = await this.store.recoverInterrupted(new Date().toISOString());
      this.recovered(lapsed);
      if (lapsed.requeued.length) this.wake();
    } catch (err) {
      this.opts.log?.('job heartbeat failed', { error: String(err) });
    }
  }

  /**
   * Stops a thread whose job this runner no longer holds (cancelled on another node,
   * taken over after a lapsed lease); the job's row is left to whoever holds it now.
   */
  drop(jobId: string): void {
    const r = this.running.get(jobId);
    if (!r || r.stopReason) return;
    r.stopReason = 'lease lost';
    this.stopThread(r);
  }

  /** Looks for queued work now. */
  wake(): void {
    if (this.pumping || this.stopped) return;
    this.pumping = true;
    void (async () => {
      try {
        while (!this.stopped && this.threads() < this.opts.concurrency) {
          const job = await this.store.claimNext(this.opts.nodeId, this.leaseUntil());
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

  /** Jobs running in this process now. */
  get runningCount(): number {
    return this.running.size;
  }

  private stopThread(r: Running): void {
    if (r.worker) void terminateSafely(r.worker, r.guard);
  }

  /** Jobs holding a thread: a job waiting for its sub-jobs does not count against the concurrency. */
  private threads(): number {
    let n = 0;
    for (const r of this.running.values()) if (r.worker) n++;
    return n;
  }

  /** Stops a running job; true when it was running here. */
  cancel(jobId: string): boolean {
    const r = this.running.get(jobId);
    if (!r) return false;
    r.stopReason = 'cancelled';
    this.stopThread(r);
    return true;
  }

  /**
   * Stops taking jobs and stops running ones. The only runner leaves them `running`, to
   * be requeued at its next start; one of several gives them back to the queue at once,
   * for another runner to take.
   */
  async close(): Promise<void> {
    this.stopped = true;
    if (this.poll) clearInterval(this.poll);
    if (this.heartbeat) clearInterval(this.heartbeat);
    await Promise.all(
      [...this.running.values()].map(async (r) => {
        r.stopReason = 'shutdown';
        clearTimeout(r.timer);
        if (r.worker) await terminateSafely(r.worker, r.guard);
        if (!this.opts.soleRunner) await this.store.release(r.job.id, this.opts.nodeId).catch(() => undefined);
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
    const limitS = Math.min(job.time_limit_s, this.opts.timeLimitS);
    const run: Running = {
      job,
      guard: createTerminationGuard(),
      timer: setTimeout(() => {
        run.stopReason = 'time limit';
        this.stopThread(run);
      }, limitS * 1000),
    };
    this.running.set(job.id, run);
    if (this.opts.fanOut && handler.fanOut) {
      // Waits for its sub-jobs away from the pump and holding no thread, so that this
      // runner goes on taking jobs, the sub-jobs among them.
      void this.fanOut(run, handler, creator, input, limitS);
      return;
    }
    this.startThread(run, handler, creator, input, limitS);
  }

  private async fanOut(
    run: Running,
    handler: JobKindHandler,
    creator: Principal,
    input: unknown,
    limitS: number,
  ): Promise<void> {
    const job = run.job;
    let completed: unknown;
    try {
      completed = await handler.fanOut?.(job, creator, input, this.subJobs(run));
    } catch (err) {
      clearTimeout(run.timer);
      this.running.delete(job.id);
      const reason = run.stopReason;
      try {
        if (reason === 'shutdown' || reason === 'lease lost') return;
        if (reason === 'cancelled') await this.finish(job, 'cancelled', {});
        else if (reason === 'time limit') await this.fail(job, `the job ran past its time limit of ${limitS} s`);
        else await this.fail(job, err instanceof Error ? err.message : String(err));
      } catch (e) {
        this.opts.log?.('job settle error', { job: job.id, error: String(e) });
      } finally {
        this.wake();
      }
      return;
    }
    this.startThread(run, handler, creator, completed, limitS);
  }

  private startThread(run: Running, handler: JobKindHandler, creator: Principal, input: unknown, limitS: number): void {
    const job = run.job;
    const worker = startModuleWorker(handler.module, input, [], run.guard);
    run.worker = worker;
    // Stopped while its sub-jobs finished: the exit handler below settles it.
    if (run.stopReason) this.stopThread(run);
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
      if (run.stopReason === 'lease lost') return;
      // Progress is a hint: one that cannot be saved (the store closing) is only logged.
      if (m.type === 'progress')
        this.progress(job, m.progress).catch((err) =>
          this.opts.log?.('job progress not saved', { job: job.id, error: String(err) }),
        );
      else if (m.type === 'result') void settle(() => this.commit(job, handler, creator, m.result));
      else void settle(() => this.fail(job, m.message));
    });
    worker.on('error', (err) => void settle(() => this.fail(job, `the training thread failed: ${err.message}`)));
    worker.on('exit', () => {
      void settle(async () => {
        // Left running: requeued at the next start, or by another runner when the lease lapses.
        if (run.stopReason === 'shutdown' || run.stopReason === 'lease lost') return;
        if (run.stopReason === 'cancelled') await this.finish(job, 'cancelled', {});
        else if (run.stopReason === 'time limit')
          await this.fail(job, `the job ran past its time limit of ${limitS} s`);
        else await this.fail(job, 'the training thread stopped without a result');
      });
    });
  }

  /**
   * Sub-jobs of `run`'s job, with ids made of the job's and an index: a runner taking the
   * job over after a lapsed lease finds the sub-jobs already queued or done, and waits
   * for those rather than starting them again.
   */
  private subJobs(run: Running): SubJobs {
    const parent = run.job;
    return {
      run: async (kind, specs) => {
        const ids = specs.map((_, i) => `${parent.id}.${i}`);
        await this.store.insertChildren(
          specs.map((spec, i) => ({
            id: ids[i] as string,
            kind,
            created_by: parent.created_by,
            state: 'queued' as const,
            spec: JSON.stringify(spec),
            max_attempts: parent.max_attempts,
            time_limit_s: parent.time_limit_s,
            parent_id: parent.id,
          })),
        );
        this.opts.onQueued?.();
        this.wake();
        let reported = -1;
        for (;;) {
          if (run.stopReason) {
            await this.store.cancelChildren(parent.id);
            throw new Error(`stopped (${run.stopReason})`);
          }
          const rows = new Map((await this.store.children(parent.id)).map((r) => [r.id, r]));
          const failed = ids
            .map((id) => rows.get(id))
            .find((r) => r && (r.state === 'failed' || r.state === 'cancelled'));
          if (failed) {
            await this.store.cancelChildren(parent.id);
            throw new Error(`sub-job ${failed.id} ${failed.state}${failed.error ? `: ${failed.error}` : ''}`);
          }
          const done = ids.filter((id) => rows.get(id)?.state === 'succeeded').length;
          if (done !== reported) {
            reported = done;
            await this.progress(parent, {
              stage: 'sub-jobs',
              percent: Math.round((5 + (85 * done) / ids.length) * 10) / 10,
              etaSeconds: null,
              metrics: { done, of: ids.length },
            });
          }
          if (done === ids.length)
            return ids.map((id) => JSON.parse(rows.get(id)?.result ?? '{}') as Record<string, unknown>);
          await new Promise((r) => setTimeout(r, 200));
        }
      },
    };
  }

  private async progress(job: JobRow, p: JobProgress): Promise<void> {
    this.events.publish(job.id, { type: 'progress', progress: p });
    await this.store.setProgress(job.id, JSON.stringify(p));
  }

  private async commit(job: JobRow, handler: JobKindHandler, creator: Principal, output: unknown): Promise<void> {
    // Registered only while this runner still holds the job: one version per job, even
    // when a runner cut off from the database comes back after another took over.
    if (!(await this.store.renewLease(job.id, this.opts.nodeId, this.leaseUntil()))) {
      this.opts.log?.('job result dropped: the lease is gone', { job: job.id });
      return;
    }
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
    const done = await this.store.finish(
      job.id,
      ['running'],
      state,
      { result: fields.result === undefined ? undefined : JSON.stringify(fields.result), error: fields.error },
      this.opts.nodeId,
    );
    if (done) this.events.publish(job.id, { type: 'state', state, error: fields.error ?? null, result: fields.result });
  }
}
