import type client from 'prom-client';

type Labels = Record<string, string | number>;
type MetricValue = { labels: Labels; value: number; metricName?: string };

interface MetricConfig {
  name: string;
  help: string;
  labelNames: readonly string[];
  registers: client.Registry[];
}

/**
 * Counters and histograms for the predict path, kept in prom-client's registry beside its
 * own metrics (so /metrics and the `--workers` aggregator read them alike). A labelled
 * child is a few numbers updated in place: prom-client validates and hashes the label
 * values on every observation, which cost as much as a request's JSON decoding.
 */
abstract class LabelledMetric<Child> {
  readonly name: string;
  readonly help: string;
  readonly aggregator = 'sum';
  abstract readonly type: 'counter' | 'histogram';
  private readonly children = new Map<string, { labels: Labels; child: Child }>();

  constructor(private readonly config: MetricConfig) {
    this.name = config.name;
    this.help = config.help;
    for (const r of config.registers) r.registerMetric(this as unknown as client.Metric);
  }

  /** The child for these label values, in `labelNames` order (keep it: looking it up joins the values). */
  labels(...values: string[]): Child {
    if (values.length !== this.config.labelNames.length) {
      throw new Error(`${this.name} takes ${this.config.labelNames.length} label values, not ${values.length}`);
    }
    const key = values.join('\u0000');
    let entry = this.children.get(key);
    if (!entry) {
      const labels: Labels = {};
      this.config.labelNames.forEach((n, i) => {
        labels[n] = values[i] as string;
      });
      entry = { labels, child: this.newChild() };
      this.children.set(key, entry);
    }
    return entry.child;
  }

  /** Forgets one child (a model version unloaded). */
  remove(...values: string[]): void {
    this.children.delete(values.join('\u0000'));
  }

  reset(): void {
    this.children.clear();
  }

  /** prom-client's metric shape, read at every scrape. */
  get(): { name: string; help: string; type: string; aggregator: string; values: MetricValue[] } {
    const values: MetricValue[] = [];
    for (const { labels, child } of this.children.values()) this.collect(labels, child, values);
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  protected abstract newChild(): Child;
  protected abstract collect(labels: Labels, child: Child, into: MetricValue[]): void;
}

export class CounterChild {
  value = 0;

  inc(by = 1): void {
    this.value += by;
  }
}

export class LabelledCounter extends LabelledMetric<CounterChild> {
  readonly type = 'counter';

  protected newChild(): CounterChild {
    return new CounterChild();
  }

  protected collect(labels: Labels, child: CounterChild, into: MetricValue[]): void {
    into.push({ labels, value: child.value });
  }
}

export interface HistogramChild {
  observe(value: number): void;
}

class Buckets implements HistogramChild {
  /** counts[i]: observations in (bounds[i-1], bounds[i]]; the last one past every bound. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(private readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(value: number): void {
    const b = this.bounds;
    let i = 0;
    while (i < b.length && value > (b[i] as number)) i++;
    this.counts[i] = (this.counts[i] as number) + 1;
    this.sum += value;
    this.count++;
  }
}

export class LabelledHistogram extends LabelledMetric<HistogramChild> {
  readonly type = 'histogram';
  private readonly bounds: readonly number[];

  constructor(config: MetricConfig & { buckets: readonly number[] }) {
    super(config);
    this.bounds = [...config.buckets].sort((a, b) => a - b);
  }

  protected newChild(): HistogramChild {
    return new Buckets(this.bounds);
  }

  protected collect(labels: Labels, child: HistogramChild, into: MetricValue[]): void {
    const b = child as Buckets;
    let cumulative = 0;
    for (let i = 0; i <= this.bounds.length; i++) {
      cumulative += b.counts[i] as number;
      const le = i < this.bounds.length ? (this.bounds[i] as number) : '+Inf';
      into.push({ labels: { le, ...labels }, value: cumulative, metricName: `${this.name}_bucket` });
    }
    into.push({ labels, value: b.sum, metricName: `${this.name}_sum` });
    into.push({ labels, value: b.count, metricName: `${this.name}_count` });
  }
}
