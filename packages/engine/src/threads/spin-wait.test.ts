import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { spinThenWait } from './spin-wait.js';

describe('spinThenWait', () => {
  test('returns at once when the word already differs', () => {
    const words = new Int32Array(new SharedArrayBuffer(8));
    words[1] = 5;
    assert.equal(spinThenWait(words, 1, 4, 10_000), 'not-equal');
  });

  test('times out when nothing changes, past the spin', () => {
    const words = new Int32Array(new SharedArrayBuffer(8));
    assert.equal(spinThenWait(words, 0, 0, 5), 'timed-out');
  });

  test('wakes for another thread’s store and notify, whether it spins or sleeps by then', async () => {
    for (const delayMs of [0, 50]) {
      const words = new Int32Array(new SharedArrayBuffer(8));
      const worker = new Worker(
        `const { workerData } = require('node:worker_threads');
         const w = new Int32Array(workerData.buffer);
         Atomics.wait(w, 1, 0, workerData.delayMs);
         Atomics.store(w, 0, 1);
         Atomics.notify(w, 0);`,
        { eval: true, workerData: { buffer: words.buffer, delayMs } },
      );
      const got = spinThenWait(words, 0, 0, 30_000);
      assert.notEqual(got, 'timed-out', `store after ${delayMs} ms`);
      assert.equal(Atomics.load(words, 0), 1);
      await worker.terminate();
    }
  });
});
