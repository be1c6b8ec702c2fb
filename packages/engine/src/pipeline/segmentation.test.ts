import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Frame } from '../frame/frame.js';
import { Rng } from '../random/rng.js';
import { segment } from './segmentation.js';

describe('segmentation (k-means, k chosen by silhouette)', () => {
  it('finds three separated groups among k = 2..6, with their sizes and feature means', () => {
    const rng = new Rng(4);
    const centres = [
      [0, 0],
      [10, 10],
      [0, 20],
    ];
    const sizes = [40, 25, 35];
    const records: Array<{ visits: number; spend: number }> = [];
    centres.forEach(([a, b], g) => {
      for (let i = 0; i < (sizes[g] as number); i++) {
        records.push({ visits: (a as number) + rng.normal(), spend: (b as number) + rng.normal() });
      }
    });
    const s = segment(Frame.fromRecords(records), ['visits', 'spend'], [2, 6], { seed: 1 });
    assert.equal(s.k, 3);
    assert.equal(s.silhouettes.length, 5);
    assert.equal(Math.max(...s.silhouettes.map((x) => x.silhouette)), s.silhouettes.find((x) => x.k === 3)?.silhouette);
    assert.deepEqual(
      s.segments.map((g) => g.size).sort((a, b) => a - b),
      [25, 35, 40],
    );
    const big = s.segments.find((g) => g.size === 25);
    assert.ok(Math.abs((big?.means.visits ?? 0) - 10) < 1 && Math.abs((big?.means.spend ?? 0) - 10) < 1);
    assert.throws(() => segment(Frame.fromRecords(records), ['visits'], [1, 3]), /k range/);
  });
});
