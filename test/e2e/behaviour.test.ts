import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parseCsv } from '@marquee/engine';
import { fixtureFile } from '../harness/fixtures.ts';
import { startTestServer, type TestServer } from '../harness/test-server.ts';

/**
 * An event log derived from the Billboard Hot 100 of 2000 (shared/data/charts-billboard-2000):
 * each weekly chart position is an event of its artist (the user) on its track (the item),
 * typed by where it charted (top10, top40, chart), on the week's date, worth 101 − rank.
 */
function billboardEvents(): { csv: string; events: Array<{ user: string; item: string; ts: number }> } {
  const { header, rows } = parseCsv(new TextDecoder().decode(fixtureFile('charts-billboard-2000/ranks_long.csv')));
  const at = (name: string) => header.indexOf(name);
  const events = rows.map((r) => {
    const rank = Number(r[at('rank')]);
    const ts = Date.parse(`${r[at('date_entered')]}T00:00:00Z`) + (Number(r[at('week')]) - 1) * 7 * 86_400_000;
    return {
      user: r[at('artist')] as string,
      item: r[at('track')] as string,
      event: rank <= 10 ? 'top10' : rank <= 40 ? 'top40' : 'chart',
      ts,
      value: 101 - rank,
    };
  });
  const q = (s: string) => `"${s.replaceAll('"', '""')}"`;
  const csv = [
    'user,item,event,timestamp,value',
    ...events.map((e) => [q(e.user), q(e.item), e.event, new Date(e.ts).toISOString().slice(0, 19), e.value].join(',')),
  ].join('\n');
  return { csv: `${csv}\n`, events };
}

describe('user-behaviour analysis on an event log derived from the Billboard 2000 charts', () => {
  let t: TestServer;
  const { csv, events } = billboardEvents();
  const cutoff = '2000-10-01';
  before(async () => {
    t = await startTestServer({ jobConcurrency: 1 });
    await t.admin.createDataset({ owner: 'admin', name: 'chart-events' });
    await t.admin.uploadDatasetVersion('admin/chart-events', new TextEncoder().encode(csv), 'csv');
  });
  after(() => t.close());

  async function run(path: string, body: object) {
    const res = await fetch(`${t.url}/api/v1/behaviour/${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    assert.equal(res.status, 202, await res.clone().text());
    const job = (await res.json()) as { id: string };
    const done = await t.admin.followJob(job.id);
    assert.equal(done.state, 'succeeded', done.error ?? '');
    return done;
  }

  test('features per user (DuckDB SQL), segments by silhouette, and a churn model on them', async () => {
    const features = await run('features', {
      dataset: 'admin/chart-events',
      output: 'admin/artist-features',
      churnCutoff: cutoff,
    });
    assert.equal(features.result?.dataset, 'admin/artist-features@1');
    const v = await t.admin.getDatasetVersion('admin/artist-features', 1);
    const names = v.columns.map((c) => c.name);
    for (const c of [
      'user_id',
      'recency_days',
      'frequency',
      'active_days',
      'sessions',
      'distinct_items',
      'item_diversity',
      'value_total',
      'trend_7d',
      'trend_30d',
      'share_chart',
      'share_top40',
      'share_top10',
      'churned',
    ]) {
      assert.ok(names.includes(c), c);
    }
    // Checked against the log: artists with events up to the cutoff, their counts, who charted after it.
    const limit = Date.parse(`${cutoff}T00:00:00Z`);
    const before = new Map<string, number>();
    const weeks = new Map<string, Set<number>>();
    const after = new Set<string>();
    for (const e of events) {
      if (e.ts <= limit) {
        before.set(e.user, (before.get(e.user) ?? 0) + 1);
        weeks.set(e.user, (weeks.get(e.user) ?? new Set()).add(e.ts));
      } else after.add(e.user);
    }
    assert.equal(v.rowCount, before.size);
    const rows = (await t.admin.previewDataset('admin/artist-features', 1, 1000)).rows;
    for (const r of rows.slice(0, 40)) {
      const user = String(r.user_id);
      assert.equal(r.frequency, before.get(user), `frequency of ${user}`);
      // Chart weeks are 7 days apart: each distinct week is a session (two tracks in one week share it).
      assert.equal(r.sessions, weeks.get(user)?.size, `sessions of ${user}`);
      assert.equal(r.churned, after.has(user) ? 0 : 1, user);
      const shares = (r.share_chart as number) + (r.share_top40 as number) + (r.share_top10 as number);
      assert.ok(Math.abs(shares - 1) < 1e-9);
    }

    const segments = await run('segments', {
      dataset: 'admin/artist-features@1',
      output: 'admin/artist-segments',
      features: ['recency_days', 'frequency', 'distinct_items', 'value_total', 'share_top10'],
      k: [2, 6],
      events: { dataset: 'admin/chart-events' },
    });
    const report = segments.result?.report as {
      k: number;
      minShare: number;
      logScaled: string[];
      silhouettes: Array<{ k: number; silhouette: number; smallestShare: number; eligible: boolean }>;
      segments: Array<{
        size: number;
        means: Record<string, number>;
        description: string;
        topItems: Array<{ item: string; events: number }>;
      }>;
    };
    assert.ok(report.k >= 2 && report.k <= 6);
    assert.equal(report.silhouettes.length, 5);
    assert.equal(report.minShare, 0.05);
    // The best silhouette among the k whose every segment holds at least 5% of the users.
    const eligible = report.silhouettes.filter((s) => s.eligible);
    assert.ok(eligible.length > 0);
    for (const s of report.silhouettes) assert.equal(s.eligible, s.smallestShare >= 0.05);
    assert.equal(
      Math.max(...eligible.map((s) => s.silhouette)),
      report.silhouettes.find((s) => s.k === report.k)?.silhouette,
    );
    for (const s of report.segments) assert.ok(s.size >= 0.05 * v.rowCount, `a segment of ${s.size}`);
    // Heavy-tailed features are log-scaled before k-means (here the top-10 share: mostly zeros).
    assert.deepEqual(report.logScaled, ['share_top10']);
    // Each segment says what sets it apart (the majority too, if only slightly).
    assert.ok(
      report.segments.every((s) => /(high|low) \w+/.test(s.description)),
      JSON.stringify(report.segments),
    );
    assert.equal(
      report.segments.reduce((n, s) => n + s.size, 0),
      v.rowCount,
    );
    assert.ok(report.segments.every((s) => s.topItems.length > 0 && typeof s.means.frequency === 'number'));
    const seg = await t.admin.getDatasetVersion('admin/artist-segments', 1);
    assert.equal(seg.columns.at(-1)?.name, 'segment');

    const churn = await t.admin.train({
      model: 'admin/artist-churn',
      dataset: 'admin/artist-features@1',
      task: 'classification',
      algorithm: 'random-forest',
      target: 'churned',
      features: [
        'recency_days',
        'frequency',
        'active_days',
        'distinct_items',
        'value_total',
        'trend_7d',
        'trend_30d',
        'share_top10',
        'share_top40',
      ],
    });
    const churnDone = await t.admin.followJob(churn.id);
    assert.equal(churnDone.state, 'succeeded', churnDone.error ?? '');
    // Artists still charting near the cutoff tend to chart after it: recency says much.
    assert.ok((churnDone.result?.metrics?.accuracy ?? 0) > 0.7, JSON.stringify(churnDone.result?.metrics));
  });
});
