import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { OnnxGraphBuilder } from '@marquee/engine';
import { ResourceExhausted } from '../errors.js';
import type { ResolvedVersion } from '../registry/model-views.js';
import { RuntimeCache, type RuntimeLoader } from './runtime-cache.js';
import type { ModelRuntime } from './runtimes/model-runtime.js';
import { OnnxRuntime } from './runtimes/onnx-runtime.js';

/** y = x + k: a real ONNX model whose answer tells which version ran. */
function addConstant(k: number): Uint8Array {
  return new OnnxGraphBuilder()
    .input('x', 'FP32', ['N', 1])
    .output('y', 'FP32', ['N', 1])
    .initializer({ name: 'k', datatype: 'FP32', dims: [1], values: [k] })
    .node('Add', ['x', 'k'], ['y'])
    .build();
}

describe('RuntimeCache', () => {
  let dir: string;
  const versions: ResolvedVersion[] = [];
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-cache-'));
    for (let i = 1; i <= 3; i++) {
      const file = path.join(dir, `m${i}.onnx`);
      fs.writeFileSync(file, addConstant(i * 10));
      versions.push({
        modelId: i,
        fullName: `t/m${i}`,
        details: null,
        format: 'onnx',
        nativeSha256: null,
        versionId: i,
        version: 1,
        sha256: file,
        sizeBytes: fs.statSync(file).size,
        signature: {
          inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 1] }],
          outputs: [{ name: 'y', datatype: 'FP32', shape: [-1, 1] }],
        },
      });
    }
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Real ONNX Runtime sessions, counted as they load and are disposed. */
  function countingLoader() {
    const counts = { loads: 0, disposed: 0 };
    const loader: RuntimeLoader = {
      estimateMemory: (v) => OnnxRuntime.estimateMemory(v.sizeBytes),
      async load(v) {
        counts.loads++;
        const rt = await OnnxRuntime.load(v.sha256);
        const wrapped: ModelRuntime = {
          memoryBytes: rt.memoryBytes,
          run: (inputs, outputs) => rt.run(inputs, outputs),
          dispose: async () => {
            counts.disposed++;
            await rt.dispose();
          },
        };
        return wrapped;
      },
    };
    return { loader, counts };
  }

  const x = (v: number) => [{ name: 'x', datatype: 'FP32' as const, shape: [1, 1], data: new Float32Array([v]) }];
  const yOf = (out: Map<string, { data: unknown }>) => (out.get('y')!.data as Float32Array)[0];
  const one = (v: ResolvedVersion) => OnnxRuntime.estimateMemory(v.sizeBytes);

  test('concurrent first requests share one load', async () => {
    const { loader, counts } = countingLoader();
    const cache = new RuntimeCache(10 * one(versions[0] as ResolvedVersion), loader, {
      maxBatchSize: 8,
      maxDelayMs: 0,
    });
    const leases = await Promise.all(Array.from({ length: 20 }, () => cache.acquire(versions[0] as ResolvedVersion)));
    assert.equal(counts.loads, 1);
    const outs = await Promise.all(leases.map((l, i) => l.batcher.submit(x(i))));
    for (const [i, o] of outs.entries()) assert.equal(yOf(o), i + 10);
    for (const l of leases) l.release();
    await cache.close();
  });

  test('least recently used versions are evicted to stay under the budget', async () => {
    const { loader, counts } = countingLoader();
    const [a, b, c] = versions as [ResolvedVersion, ResolvedVersion, ResolvedVersion];
    const cache = new RuntimeCache(one(a) * 2 + 10, loader, { maxBatchSize: 8, maxDelayMs: 0 });
    for (const v of [a, b, a, c]) (await cache.acquire(v)).release();
    // a was used after b, so c pushed b out.
    assert.equal(cache.loadedCount, 2);
    assert.ok(cache.memoryBytes <= one(a) * 2 + 10);
    assert.equal(counts.loads, 3);
    (await cache.acquire(a)).release();
    assert.equal(counts.loads, 3, 'a stayed loaded');
    (await cache.acquire(b)).release();
    assert.equal(counts.loads, 4, 'b was loaded again');
    await new Promise((r) => setImmediate(r));
    assert.equal(counts.disposed, 2);
    await cache.close();
  });

  test('a version evicted while a request holds it keeps running, and is disposed after release', async () => {
    const { loader, counts } = countingLoader();
    const [a, b, c] = versions as [ResolvedVersion, ResolvedVersion, ResolvedVersion];
    const cache = new RuntimeCache(one(a) + 10, loader, { maxBatchSize: 8, maxDelayMs: 0 });
    const held = await cache.acquire(a);
    (await cache.acquire(b)).release(); // evicts a, which is still leased
    (await cache.acquire(c)).release();
    await new Promise((r) => setImmediate(r));
    assert.equal(counts.disposed, 1, 'only b was disposed so far');
    assert.equal(yOf(await held.batcher.submit(x(5))), 15);
    held.release();
    held.release(); // a second release is harmless
    await new Promise((r) => setTimeout(r, 10));
    assert.equal(counts.disposed, 2);
    await cache.close();
  });

  test('a version larger than the whole budget is refused', async () => {
    const { loader } = countingLoader();
    const cache = new RuntimeCache(100, loader, { maxBatchSize: 8, maxDelayMs: 0 });
    await assert.rejects(cache.acquire(versions[0] as ResolvedVersion), ResourceExhausted);
    assert.equal(cache.loadedCount, 0);
  });

  test('a failed load is not cached', async () => {
    const { loader, counts } = countingLoader();
    const broken = { ...(versions[0] as ResolvedVersion), versionId: 99, sha256: path.join(dir, 'missing.onnx') };
    const cache = new RuntimeCache(1e9, loader, { maxBatchSize: 8, maxDelayMs: 0 });
    await assert.rejects(cache.acquire(broken));
    await assert.rejects(cache.acquire(broken));
    assert.equal(counts.loads, 2);
    assert.equal(cache.loadedCount, 0);
    assert.equal(cache.memoryBytes, 0);
  });
});
