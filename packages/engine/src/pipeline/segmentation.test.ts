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

describe('segments of a heavy-tailed behaviour log', () => {
  // 1,000 users: casual (60%) and fans (40%), sessions and minutes heavy-tailed (log-normal)
  // with a dozen extreme accounts, ratings not.
  const rng = new Rng(11);
  const records: Array<{ sessions: number; minutes: number; rating: number; fan: boolean }> = [];
  for (let i = 0; i < 1000; i++) {
    const fan = i % 5 < 2;
    const sessions = Math.round(Math.exp((fan ? 2.8 : 1.2) + 0.6 * rng.normal()));
    const extreme = i % 83 === 0 ? 400 + 1000 * rng.next() : 0;
    records.push({
      sessions: sessions + Math.round(extreme),
      minutes: Math.round((sessions + extreme) * Math.exp(3 + 0.3 * rng.normal())),
      rating: Math.min(5, Math.max(1, (fan ? 4.2 : 3.1) + 0.5 * rng.normal())),
      fan,
    });
  }
  const frame = Frame.fromRecords(records.map(({ fan: _f, ...r }) => r));
  const features = ['sessions', 'minutes', 'rating'];

  it('without log scaling and a minimum share, the extreme accounts win the silhouette as a segment of their own', () => {
    const raw = segment(frame, features, [2, 5], { seed: 1, logHeavyTails: false, minShare: 0 });
    const smallest = Math.min(...raw.segments.map((s) => s.size));
    assert.ok(smallest < 50, `smallest segment ${smallest} of 1,000`);
  });

  it('log-scaled and held to 5% per segment: balanced segments, described by what sets them apart', () => {
    const s = segment(frame, features, [2, 5], { seed: 1 });
    assert.deepEqual(s.logScaled, ['sessions', 'minutes'], 'counts and minutes, not ratings');
    assert.equal(s.minShare, 0.05);
    for (const seg of s.segments) assert.ok(seg.size >= 50, `segment ${seg.segment}: ${seg.size} users`);
    assert.ok(s.silhouettes.find((x) => x.k === s.k)?.eligible);
    // The fans: the segment with the most sessions holds mostly fans and says so.
    const fans = s.segments.reduce((a, b) => ((b.means.sessions ?? 0) > (a.means.sessions ?? 0) ? b : a));
    const members = records.filter((_, r) => s.labels[r] === fans.segment);
    assert.ok(members.filter((m) => m.fan).length / members.length > 0.8, 'mostly fans');
    assert.match(fans.description, /high sessions/);
    assert.match(fans.description, /high rating/);
    const casual = s.segments.reduce((a, b) => ((b.means.sessions ?? 0) < (a.means.sessions ?? 0) ? b : a));
    assert.match(casual.description, /low (sessions|minutes|rating)/);
    for (const seg of s.segments) for (const t of seg.traits) assert.ok(Math.abs(t.z) >= 0.2);
  });
});
