/** WAT text → WebAssembly bytes with wabt (a development dependency only). */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import wabt from 'wabt';

export const WASM_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src/linalg/wasm');

/**
 * Kernels also built over a shared memory (`<name>.shared.wasm`): a module that imports a
 * shared WebAssembly.Memory must say so in its import, and worker threads computing over
 * one copy of the data (logistic regression's streamed rows) need these.
 */
export const SHARED_KERNELS = ['exp', 'skinny-gemm'];

const MEMORY_IMPORT = '(import "env" "memory" (memory 1))';
/** The same import over a shared memory of up to 4 GiB (65,536 pages), all wasm32 addresses. */
const SHARED_MEMORY_IMPORT = '(import "env" "memory" (memory 1 65536 shared))';

/** Compiles `file`; with `shared`, its memory import declared shared (the rest unchanged). */
export async function compileWat(file: string, opts: { shared?: boolean } = {}): Promise<Uint8Array> {
  let text = fs.readFileSync(file, 'utf8');
  if (opts.shared) {
    if (!text.includes(MEMORY_IMPORT)) throw new Error(`${file} does not import its memory as ${MEMORY_IMPORT}`);
    text = text.replace(MEMORY_IMPORT, SHARED_MEMORY_IMPORT);
  }
  const tools = await wabt();
  const features = { simd: true, threads: opts.shared === true };
  const module = tools.parseWat(path.basename(file), text, features);
  try {
    // The validator takes its features separately (without them it refuses a shared
    // memory), though wabt's typings declare no argument.
    (module.validate as (features?: object) => void)(features);
    return Uint8Array.from(module.toBinary({ log: false, write_debug_names: false }).buffer);
  } finally {
    module.destroy();
  }
}

/** The file a kernel's shared build is written to. */
export function sharedWasmName(watFile: string): string {
  return path.basename(watFile).replace(/\.wat$/, '.shared.wasm');
}
