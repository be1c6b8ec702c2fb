/**
 * npm run build:wasm — compiles the engine's WebAssembly kernels (src/linalg/wasm/*.wat,
 * the source of truth) into the .wasm files next to them, which are committed so that
 * nothing compiles at install or run time. A test recompiles and compares the bytes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { compileWat, WASM_DIR } from './wat-compiler.ts';

for (const file of fs.readdirSync(WASM_DIR).filter((f) => f.endsWith('.wat'))) {
  const wasm = await compileWat(path.join(WASM_DIR, file));
  const out = path.join(WASM_DIR, file.replace(/\.wat$/, '.wasm'));
  fs.writeFileSync(out, wasm);
  console.log(`${path.relative(process.cwd(), out)}: ${wasm.length} bytes`);
}
