/**
 * npm run build:wasm — compiles the engine's WebAssembly kernels (src/linalg/wasm/*.wat,
 * the source of truth) into the .wasm files next to them, which are committed so that
 * nothing compiles at install or run time; SHARED_KERNELS also into a .shared.wasm over a
 * shared memory. A test recompiles and compares the bytes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { compileWat, SHARED_KERNELS, sharedWasmName, WASM_DIR } from './wat-compiler.ts';

for (const file of fs.readdirSync(WASM_DIR).filter((f) => f.endsWith('.wat'))) {
  const source = path.join(WASM_DIR, file);
  const builds: Array<[string, Uint8Array]> = [[file.replace(/\.wat$/, '.wasm'), await compileWat(source)]];
  if (SHARED_KERNELS.includes(file.replace(/\.wat$/, ''))) {
    builds.push([sharedWasmName(file), await compileWat(source, { shared: true })]);
  }
  for (const [name, wasm] of builds) {
    const out = path.join(WASM_DIR, name);
    fs.writeFileSync(out, wasm);
    console.log(`${path.relative(process.cwd(), out)}: ${wasm.length} bytes`);
  }
}
