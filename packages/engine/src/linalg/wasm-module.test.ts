import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { compileWat, SHARED_KERNELS, sharedWasmName, WASM_DIR } from '../../scripts/wat-compiler.js';
import { instantiateKernel } from './wasm-module.js';

describe('the WebAssembly kernels', () => {
  const sources = fs.readdirSync(WASM_DIR).filter((f) => f.endsWith('.wat'));

  for (const file of sources) {
    test(`${file.replace(/\.wat$/, '.wasm')} is built from ${file}`, async () => {
      const built = await compileWat(path.join(WASM_DIR, file));
      assert.deepEqual(new Uint8Array(fs.readFileSync(path.join(WASM_DIR, file.replace(/\.wat$/, '.wasm')))), built);
    });
  }

  for (const name of SHARED_KERNELS) {
    test(`${name}.shared.wasm is built from ${name}.wat over a shared memory`, async () => {
      const built = await compileWat(path.join(WASM_DIR, `${name}.wat`), { shared: true });
      assert.deepEqual(new Uint8Array(fs.readFileSync(path.join(WASM_DIR, sharedWasmName(`${name}.wat`)))), built);
    });
  }

  test('no .wasm without its .wat', () => {
    const built = new Set(sources.map((f) => f.replace(/\.wat$/, '')));
    for (const file of fs.readdirSync(WASM_DIR).filter((f) => f.endsWith('.wasm'))) {
      assert.ok(built.has(file.replace(/(\.shared)?\.wasm$/, '')), `${file} has a source`);
    }
  });

  test('over a shared memory the shared build is instantiated, and computes as the other', () => {
    const values = [-3.5, -0.25, 0, 0.5, 1, 7.25];
    const results = [false, true].map((shared) => {
      const memory = new WebAssembly.Memory({ initial: 1, maximum: 4, shared });
      const kernel = instantiateKernel<{ exp(at: number, n: number): void }>('exp.wasm', { memory });
      const view = new Float64Array(memory.buffer, 0, values.length);
      view.set(values);
      kernel.exp(0, values.length);
      return Array.from(view);
    });
    assert.deepEqual(results[1], results[0]);
    assert.equal(results[0]?.[2], 1);
    // The plain build cannot import a shared memory: the choice is what made this work.
    const shared = new WebAssembly.Memory({ initial: 1, maximum: 4, shared: true });
    const plain = new WebAssembly.Module(fs.readFileSync(path.join(WASM_DIR, 'exp.wasm')));
    assert.throws(() => new WebAssembly.Instance(plain, { env: { memory: shared } }), WebAssembly.LinkError);
  });
});
