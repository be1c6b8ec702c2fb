/** WAT text → WebAssembly bytes with wabt (a development dependency only). */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import wabt from 'wabt';

export const WASM_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src/linalg/wasm');

export async function compileWat(file: string): Promise<Uint8Array> {
  const tools = await wabt();
  const module = tools.parseWat(path.basename(file), fs.readFileSync(file, 'utf8'), { simd: true });
  try {
    module.validate();
    return Uint8Array.from(module.toBinary({ log: false, write_debug_names: false }).buffer);
  } finally {
    module.destroy();
  }
}
