import fs from 'node:fs';

// Compiled modules by file, per thread: a kernel instance is made per fit, range or start
// (resident operands), and compiling its module again each time read and compiled the file.
const modules = new Map<string, WebAssembly.Module>();

/**
 * A new instance of the engine's WebAssembly kernel `file` (in linalg/wasm, built from its
 * .wat by `npm run build:wasm`), its module compiled once per thread; `env` holds its
 * imports (an imported memory, another kernel's functions).
 */
export function instantiateKernel<T>(file: string, env?: Record<string, unknown>): T {
  let module = modules.get(file);
  if (!module) {
    module = new WebAssembly.Module(fs.readFileSync(new URL(`./wasm/${file}`, import.meta.url)));
    modules.set(file, module);
  }
  return new WebAssembly.Instance(module, env ? { env } : {}).exports as unknown as T;
}
