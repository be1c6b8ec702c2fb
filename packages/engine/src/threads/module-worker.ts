import { type TransferListItem, Worker } from 'node:worker_threads';

/**
 * Starts a worker thread on a module given by URL, whether the code runs from TypeScript
 * sources (through tsx) or compiled JavaScript. From sources, the worker registers tsx's
 * loader before importing the module: loaders given to the parent do not reach workers.
 */
export function startModuleWorker(module: URL, workerData: unknown, transferList: TransferListItem[] = []): Worker {
  if (!module.pathname.endsWith('.ts')) return new Worker(module, { workerData, transferList });
  const api = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const code = `import(${api}).then((tsx) => { tsx.register(); return import(${JSON.stringify(module.href)}); })`;
  return new Worker(code, { eval: true, workerData, transferList });
}

/** The URL of a sibling module of `base` (an import.meta.url), with the extension `base` has. */
export function siblingModule(base: string, name: string): URL {
  return new URL(`./${name}${base.endsWith('.ts') ? '.ts' : '.js'}`, base);
}
