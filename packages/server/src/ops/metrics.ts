import client from 'prom-client';
import type { BatchObserver } from '../serving/dynamic-batcher.js';
import type { CacheObserver } from '../serving/runtime-cache.js';
import { type CounterChild, type HistogramChild, LabelledCounter, LabelledHistogram } from './predict-path-metrics.js';

/**
 * Prometheus metrics of one server. Labels stay bounded: routes are route patterns, and
 * model/version labels only name models that exist (unknown names are counted as "-").
 */
export class Metrics {
  readonly registry = new client.Registry();

  readonly requests = new LabelledCounter({
    name: 'marquee_requests_total',
    help: 'Requests by protocol, route, model, version and status',
    labelNames: ['protocol', 'route', 'model', 'version', 'status'] as const,
    registers: [this.registry],
  });

  readonly latency = new LabelledHistogram({
    name: 'marquee_request_duration_seconds',
    help: 'Request latency by protocol, route and model',
    labelNames: ['protocol', 'route', 'model'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [this.registry],
  });

  readonly batchSize = new LabelledHistogram({
    name: 'marquee_batch_size_rows',
    help: 'Rows per model run, as the dynamic batcher formed them',
    labelNames: ['model', 'version'] as const,
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512],
    registers: [this.registry],
  });

  readonly batchRequests = new LabelledHistogram({
    name: 'marquee_batch_requests',
    help: 'Requests joined into one model run',
    labelNames: ['model', 'version'] as const,
    buckets: [1, 2, 4, 8, 16, 32, 64],
    registers: [this.registry],
  });

  readonly queueDelay = new LabelledHistogram({
    name: 'marquee_queue_delay_seconds',
    help: 'Time a request waited in the batcher before its run started',
    labelNames: ['model', 'version'] as const,
    buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1],
    registers: [this.registry],
  });

  readonly loadedModels = new client.Gauge({
    name: 'marquee_loaded_models',
    help: 'Model versions loaded in memory',
    registers: [this.registry],
  });

  readonly modelMemory = new client.Gauge({
    name: 'marquee_model_memory_bytes',
    help: 'Estimated memory of each loaded model version',
    labelNames: ['model', 'version'] as const,
    registers: [this.registry],
  });

  constructor() {
    client.collectDefaultMetrics({ register: this.registry, prefix: 'marquee_process_' });
  }

  // Looking a child up joins its label values; the predict path keeps the pairs it has
  // used (bounded by routes × models × versions × statuses), one map per label: joining
  // five labels into a key cost a new string and its hash on every request, while the
  // label strings themselves (literals, a version's cached name) carry their hash.
  private children = new Map<string, Map<string, Map<string, Map<string, Map<string, RequestSeries>>>>>();
  private childCount = 0;

  /** Counts one request and its latency. */
  recordRequest(
    protocol: string,
    route: string,
    model: string,
    version: string,
    status: string,
    seconds: number,
  ): void {
    const byStatus = within(within(within(within(this.children, protocol), route), model), version);
    let c = byStatus.get(status);
    if (!c) {
      if (this.childCount >= 10_000) {
        this.children.clear();
        this.childCount = 0;
        this.recordRequest(protocol, route, model, version, status, seconds);
        return;
      }
      c = {
        count: this.requests.labels(protocol, route, model, version, status),
        time: this.latency.labels(protocol, route, model),
      };
      byStatus.set(status, c);
      this.childCount++;
    }
    c.count.inc();
    c.time.observe(seconds);
  }

  cacheObserver(): CacheObserver {
    return {
      loaded: (label, bytes) => {
        this.loadedModels.inc();
        this.modelMemory.set(label, bytes);
      },
      unloaded: (label) => {
        this.loadedModels.dec();
        this.modelMemory.remove(label);
      },
      batchObserver: (label): BatchObserver => {
        const size = this.batchSize.labels(label.model, label.version);
        const reqs = this.batchRequests.labels(label.model, label.version);
        const delay = this.queueDelay.labels(label.model, label.version);
        return {
          onBatch: (rows, requests) => {
            size.observe(rows);
            reqs.observe(requests);
          },
          onQueueDelay: (s) => delay.observe(s),
        };
      },
    };
  }
}

interface RequestSeries {
  count: CounterChild;
  time: HistogramChild;
}

/** The map under `key`, made when missing. */
function within<V>(outer: Map<string, Map<string, V>>, key: string): Map<string, V> {
  let inner = outer.get(key);
  if (!inner) {
    inner = new Map();
    outer.set(key, inner);
  }
  return inner;
}
