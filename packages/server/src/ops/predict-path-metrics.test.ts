import assert from 'node:assert/strict';
import { test } from 'node:test';
import client from 'prom-client';
import { LabelledCounter, LabelledHistogram } from './predict-path-metrics.js';

const BUCKETS = [0.001, 0.01, 0.1, 1];
const OBSERVED = [0.0005, 0.001, 0.002, 0.05, 0.05, 0.7, 3, 1e9];

/** The same series written by prom-client's own metrics and by ours: the text must match. */
test('counters and histograms read exactly as prom-client writes them', async () => {
  const theirs = new client.Registry();
  const ours = new client.Registry();
  const config = (registry: client.Registry) => ({
    name: 'x_requests_total',
    help: 'requests',
    labelNames: ['route', 'status'] as const,
    registers: [registry],
  });
  const hConfig = (registry: client.Registry) => ({
    name: 'x_seconds',
    help: 'latency',
    labelNames: ['route'] as const,
    buckets: BUCKETS,
    registers: [registry],
  });
  const c1 = new client.Counter(config(theirs));
  const h1 = new client.Histogram(hConfig(theirs));
  const c2 = new LabelledCounter(config(ours));
  const h2 = new LabelledHistogram(hConfig(ours));
  for (const [i, v] of OBSERVED.entries()) {
    const route = i % 3 === 0 ? '/a' : '/b "q"\\';
    c1.labels(route, '200').inc();
    c2.labels(route, '200').inc();
    h1.labels(route).observe(v);
    h2.labels(route).observe(v);
  }
  c1.labels('/a', '500').inc(2);
  c2.labels('/a', '500').inc(2);
  assert.equal(await ours.metrics(), await theirs.metrics());
  // What the --workers supervisor makes of two processes' metrics.
  const [a, b] = [await ours.getMetricsAsJSON(), await theirs.getMetricsAsJSON()];
  assert.equal(
    await client.AggregatorRegistry.aggregate([a, a]).metrics(),
    await client.AggregatorRegistry.aggregate([b, b]).metrics(),
  );

  h2.remove('/a');
  assert.doesNotMatch(await ours.metrics(), /x_seconds_count\{route="\/a"\}/);
  assert.throws(() => c2.labels('/a'), /takes 2 label values, not 1/);
  ours.resetMetrics();
  assert.doesNotMatch(await ours.metrics(), /x_requests_total\{/);
});
