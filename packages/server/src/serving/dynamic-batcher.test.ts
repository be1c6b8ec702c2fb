import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { OnnxGraphBuilder } from '@marquee/engine';
import { DynamicBatcher } from './dynamic-batcher.js';
import type { ModelRuntime } from './runtimes/model-runtime.js';
import { OnnxRuntime } from './runtimes/onnx-runtime.js';
import type { Tensor } from './tensor.js';

/** A real ONNX Runtime session (y = 2x) that records the rows of every run; a row of -1 fails its run. */
class RecordingRuntime implements ModelRuntime {
  readonly runs: number[][] = [];
  constructor(private readonly inner: OnnxRuntime) {}
  get memoryBytes(): number {
    return this.inner.memoryBytes;
  }
  run(inputs: Tensor[], outputNames: readonly string[]): Promise<Map<string, Tensor>> {
    const rows = [...((inputs[0] as Tensor).data as Float32Array)];
    this.runs.push(rows);
    if (rows.includes(-1)) return Promise.reject(new Error('a poisoned row'));
    return this.inner.run(inputs, outputNames);
  }
  dispose(): Promise<void> {
    return this.inner.dispose();
  }
}

const row = (...values: number[]): Tensor[] => [
  { name: 'x', datatype: 'FP32', shape: [values.length, 1], data: Float32Array.from(values) },
];
const ys = (out: Map<string, Tensor>) => [...((out.get('y') as Tensor).data as Float32Array)];

describe('DynamicBatcher', () => {
  let dir: string;
  let session: OnnxRuntime;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-batcher-'));
    const file = path.join(dir, 'double.onnx');
    const model = new OnnxGraphBuilder()
      .input('x', 'FP32', ['N', 1])
      .output('y', 'FP32', ['N', 1])
      .initializer({ name: 'two', datatype: 'FP32', dims: [1], values: [2] })
      .node('Mul', ['x', 'two'], ['y'])
      .build();
    fs.writeFileSync(file, model);
    session = await OnnxRuntime.load(file);
  });
  after(async () => {
    await session.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const batcher = (maxBatchSize = 64) => {
    const runtime = new RecordingRuntime(session);
    return { runtime, b: new DynamicBatcher(runtime, ['y'], { maxBatchSize, maxDelayMs: 0 }, true) };
  };

  test('requests of one event-loop turn share one run, each gets its own rows back', async () => {
    const { runtime, b } = batcher();
    const answers = await Promise.all([b.submit(row(1)), b.submit(row(2, 3)), b.submit(row(4))]);
    assert.deepEqual(runtime.runs, [[1, 2, 3, 4]]);
    assert.deepEqual(answers.map(ys), [[2], [4, 6], [8]]);
  });

  test('what arrives during a run waits for the next one, and no batch passes maxBatchSize', async () => {
    const { runtime, b } = batcher(2);
    const first = b.submit(row(1));
    await new Promise((r) => setImmediate(r)); // the first run has started
    const later = [b.submit(row(2)), b.submit(row(3)), b.submit(row(4))];
    const answers = await Promise.all([first, ...later]);
    assert.deepEqual(runtime.runs, [[1], [2, 3], [4]]);
    assert.deepEqual(answers.map(ys), [[2], [4], [6], [8]]);
  });

  test('a request with parameters runs alone', async () => {
    const { runtime, b } = batcher();
    await Promise.all([b.submit(row(1)), b.submit(row(2), { k: 3 }), b.submit(row(3))]);
    assert.deepEqual(runtime.runs.map((r) => r.length).sort(), [1, 2]);
  });

  test('a failed joined run is retried one by one: only the bad request fails', async () => {
    const { runtime, b } = batcher();
    const results = await Promise.allSettled([b.submit(row(1)), b.submit(row(-1)), b.submit(row(5))]);
    assert.deepEqual(runtime.runs, [[1, -1, 5], [1], [-1], [5]]);
    assert.equal(results[1]?.status, 'rejected');
    assert.deepEqual(
      results.filter((r) => r.status === 'fulfilled').map((r) => ys(r.value)),
      [[2], [10]],
    );
  });

  test('the callback form answers the same, and close() fails what is still queued', async () => {
    const { b } = batcher();
    const got = await new Promise<number[]>((resolve, reject) =>
      b.enqueue(row(7), undefined, (err, out) => (out ? resolve(ys(out)) : reject(err))),
    );
    assert.deepEqual(got, [14]);
    const queued = b.submit(row(1));
    b.close(new Error('unloaded'));
    await assert.rejects(queued, /unloaded/);
    const alone = batcher(1).b;
    const waiting = alone.submit(row(2));
    alone.close(new Error('unloaded'));
    await assert.rejects(waiting, /unloaded/);
  });

  test('unbatched runs answer in arrival order and stop for I/O once a turn has run 5 ms of them', async () => {
    const { runtime } = batcher(1);
    // Each run busy-waits 2 ms: the third of a turn passes the budget.
    const slow: ModelRuntime = {
      memoryBytes: 0,
      run: (inputs, names) => {
        const until = performance.now() + 2;
        while (performance.now() < until);
        return runtime.run(inputs, names);
      },
      dispose: async () => {},
    };
    const unbatched = new DynamicBatcher(slow, ['y'], { maxBatchSize: 1, maxDelayMs: 0 }, true);
    const answered: number[] = [];
    const all = Array.from({ length: 12 }, (_, i) =>
      unbatched.submit(row(i)).then((out) => answered.push((ys(out)[0] as number) / 2)),
    );
    // A timer set after the first turn fires one or two turns later: by then some runs are done, not all.
    const early = await new Promise<number>((resolve) =>
      setImmediate(() => setTimeout(() => resolve(runtime.runs.length), 0)),
    );
    assert.ok(early >= 3 && early < 12, `${early} runs done in the first turns`);
    await Promise.all(all);
    assert.deepEqual(answered, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    assert.equal(runtime.runs.length, 12);
  });
});
