import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { DenseMatrix } from '../linalg/dense-matrix.js';
import { streamDesign } from '../linalg/streamed-design.js';
import { Rng } from '../random/rng.js';
import { type LogisticLossJob, logisticLossRange, releaseResidentRanges, setResidentLimit } from './logistic-loss.js';

const DEFAULT_RESIDENT_LIMIT = 16 * 1024 * 1024;

describe('the logistic loss over streamed rows', () => {
  after(() => setResidentLimit(DEFAULT_RESIDENT_LIMIT));

  // Wide rows make blocks of a few rows (256 KB of X a block): several blocks a range and a
  // shorter last one; an odd width is padded to an even stride.
  for (const [rows, d, kk, weighted] of [
    [150, 2000, 3, false],
    [70, 2001, 10, true],
    [333, 40, 12, false],
    [90, 1500, 2, true],
  ] as const) {
    test(`${rows} rows × ${d}, ${kk} classes${weighted ? ', weighted' : ''}: the bits of the resident and the shared-kernel paths`, () => {
      const rng = new Rng(rows + d + kk);
      const x: DenseMatrix = { rows, cols: d, data: Float64Array.from({ length: rows * d }, () => rng.normal()) };
      const y = Float64Array.from({ length: rows }, () => Math.floor(rng.next() * kk));
      const sampleWeight = weighted ? Float64Array.from({ length: rows }, () => 0.5 + rng.next()) : undefined;
      const w = Float64Array.from({ length: kk * d + kk }, () => 0.05 * rng.normal());
      const ranges = 3;
      const base = { y, sampleWeight, kk, w, ranges };
      const plain: LogisticLossJob = { ...base, x };
      const streamedJob = (shared: boolean): LogisticLossJob => ({
        ...base,
        streamed: streamDesign(x, kk, 2, shared) as NonNullable<ReturnType<typeof streamDesign>>,
      });
      const own = streamedJob(false);
      const shared = streamedJob(true);
      assert.ok(shared.streamed?.memory.buffer instanceof SharedArrayBuffer);
      for (let r = 0; r < ranges; r++) {
        setResidentLimit(DEFAULT_RESIDENT_LIMIT);
        const resident = logisticLossRange(plain, r, new Float64Array(w.length));
        releaseResidentRanges(plain);
        setResidentLimit(0);
        const throughKernel = logisticLossRange(plain, r, new Float64Array(w.length));
        assert.deepEqual(throughKernel, resident, `range ${r}: resident and shared kernel agree`);
        for (const [job, slot] of [
          [own, 0],
          [shared, 1],
        ] as const) {
          const got = logisticLossRange(job, r, new Float64Array(w.length), slot);
          assert.equal(got.loss, resident.loss, `range ${r}, slot ${slot}: loss`);
          assert.deepEqual(got.grad, resident.grad, `range ${r}, slot ${slot}: gradient`);
        }
      }
    });
  }

  test('declines one score column and more than twelve', () => {
    const x: DenseMatrix = { rows: 4, cols: 2, data: new Float64Array(8) };
    assert.equal(streamDesign(x, 1, 1, false), undefined);
    assert.equal(streamDesign(x, 13, 1, false), undefined);
  });
});
