import { type TransferListItem, Worker } from 'node:worker_threads';
import { GUARD_KEY } from './termination-guard.js';

/**
 * Starts a worker thread on a module given by URL, whether the code runs from TypeScript
 * sources (through tsx) or compiled JavaScript. From sources, the worker registers tsx's
 * loader before importing the module: loaders given to the parent do not reach workers.
 */
export function startModuleWorker(
  module: URL,
  data: unknown,
  transferList: TransferListItem[] = [],
  /** Shared with the worker (see termination-guard.ts); its input must then be an object. */
  guard?: Int32Array,
): Worker {
  const workerData =
    guard && data && typeof data === 'object' ? { ...(data as object), [GUARD_KEY]: guard.buffer } : data;
  if (!module.pathname.endsWith('.ts')) return new Worker(module, { workerData, transferList });
  const api = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const code = `import(${api}).then((tsx) => { tsx.register(); return import(${JSON.stringify(module.href)}); })`;
  return new Worker(code, { eval: true, workerData, transferList });
}

/** The URL of a sibling module of `base` (an import.meta.url), with the extension `base` has. */
export function siblingModule(base: string, name: string): URL {
  return new URL(`./${name}${base.endsWith('.ts') ? '.ts' : '.js'}`, base);
}
