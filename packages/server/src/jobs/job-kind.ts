import type { Principal } from '../auth/scopes.js';
import type { JobRow } from './job-store.js';

/**
 * What differs between kinds of job (training, batch predictions): the worker thread's
 * module, its input, and how its output becomes real. The runner does the rest (queue,
 * threads, progress, cancel, limits, recovery) the same way for all.
 */
export interface JobKindHandler {
  /** The worker thread's module (a sibling module URL). */
  module: URL;
  /** The worker's input; throws when the job cannot start (its inputs are gone). */
  prepare(job: JobRow, creator: Principal): Promise<unknown>;
  /** Registers what the worker produced; returns the job's result. Throws to fail the job. */
  commit(job: JobRow, creator: Principal, output: unknown): Promise<Record<string, unknown>>;
  /**
   * Spreads part of the work over sub-jobs that any worker may take (the cluster mode):
   * answers the worker's input, completed with what the sub-jobs computed. Absent, or
   * answering the input unchanged: the job's thread does all the work.
   */
  fanOut?(job: JobRow, creator: Principal, input: unknown, sub: SubJobs): Promise<unknown>;
}

export interface SubJobs {
  /**
   * Queues one sub-job per spec (each run by its kind's handler on some worker), waits for
   * all of them, and answers their results in order; throws when one fails.
   */
  run(kind: JobRow['kind'], specs: object[]): Promise<Array<Record<string, unknown>>>;
}
