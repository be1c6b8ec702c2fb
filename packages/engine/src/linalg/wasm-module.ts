import fs from 'node:fs';

// Compiled modules by file, per thread: a kernel instance is made per fit, range or start
// (resident operands), and compiling its module again each time read and compiled the file.
const modules = new Map<string, WebAssembly.Module>();

/**
 * A new instance of the engine's WebAssembly kernel `file` (in linalg/wasm, built from its
 * .wat by `npm run build:wasm`), its module compiled once per thread; `env` holds its
 * imports (an imported memory, another kernel's functions). Over a shared memory the
 * kernel's shared build (`<name>.shared.wasm`, scripts/wat-compiler.ts SHARED_KERNELS) is
 * the one instantiated: a module's import must say whether its memory is shared.
 */
export function instantiateKernel<T>(kernel: string, env?: Record<string, unknown>): T {
  const memory = env?.memory;
  const shared = memory instanceof WebAssembly.Memory && memory.buffer instanceof SharedArrayBuffer;
  const file = shared ? kernel.replace(/\.wasm$/, '.shared.wasm') : kernel;
  let module = modules.get(file);
  if (!module) {
    module = new WebAssembly.Module(fs.readFileSync(new URL(`./wasm/${file}`, import.meta.url)));
    modules.set(file, module);
  }
  return new WebAssembly.Instance(module, env ? { env } : {}).exports as unknown as T;
}

// Instances by memory, then by file: a kernel working where another keeps its operands
// is instantiated once per memory, and memories are handed on from fit to fit.
const instancesOver = new WeakMap<WebAssembly.Memory, Map<string, unknown>>();

/** The kernel `file`'s instance over `memory` (its only import), made the first time it is asked for. */
export function kernelOver<T>(file: string, memory: WebAssembly.Memory): T {
  let byFile = instancesOver.get(memory);
  if (!byFile) {
    byFile = new Map();
    instancesOver.set(memory, byFile);
  }
  let kernel = byFile.get(file) as T | undefined;
  if (!kernel) {
    kernel = instantiateKernel<T>(file, { memory });
    byFile.set(file, kernel);
  }
  return kernel;
}
