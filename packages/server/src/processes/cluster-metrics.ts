import type { Worker } from 'node:cluster';
import client from 'prom-client';
import { SERVE_MESSAGE, type ServeMessage, serveMessage } from './serve-processes.js';

/**
 * `GET /metrics` under `serve --workers`: whichever process answers the scrape asks the
 * supervisor, which gathers every process's registry (prom-client's AggregatorRegistry,
 * over the IPC channels) and sums them, so counters never jump between processes.
 */

/** In a serving process: lets the supervisor read this registry. */
export function shareMetrics(registry: client.Registry): void {
  client.AggregatorRegistry.setRegistries([registry]);
  // Constructing one installs prom-client's listener for the supervisor's requests.
  new client.AggregatorRegistry();
}

let nextRequest = 0;

/** In a serving process: every process's metrics, summed, as Prometheus text. */
export function supervisorMetrics(timeoutMs = 5_000): Promise<string> {
  const id = nextRequest++;
  return new Promise((resolve, reject) => {
    const onMessage = (msg: unknown) => {
      const m = serveMessage(msg);
      if (m?.[SERVE_MESSAGE] !== 'metrics-result' || m.id !== id) return;
      done();
      if (m.error !== undefined) reject(new Error(`metrics of the other processes: ${m.error}`));
      else resolve(m.text ?? '');
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error('the supervisor did not answer with the metrics'));
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      process.off('message', onMessage);
    };
    process.on('message', onMessage);
    process.send?.({ [SERVE_MESSAGE]: 'metrics', id } satisfies ServeMessage);
  });
}

/** In the supervisor: answers a worker's requests for everyone's metrics. */
export function answerMetricsRequests(
  worker: Worker,
  aggregator: client.AggregatorRegistry<client.PrometheusContentType>,
): void {
  worker.on('message', (msg: unknown) => {
    const m = serveMessage(msg);
    if (m?.[SERVE_MESSAGE] !== 'metrics') return;
    const reply = (fields: { text?: string; error?: string }) => {
      if (worker.isConnected()) worker.send({ [SERVE_MESSAGE]: 'metrics-result', id: m.id, ...fields });
    };
    aggregator.clusterMetrics().then(
      (text: string) => reply({ text }),
      (err: Error) => reply({ error: err.message }),
    );
  });
}

/** The supervisor's aggregator (one per process: it installs prom-client's listeners). */
export function metricsAggregator(): client.AggregatorRegistry<client.PrometheusContentType> {
  return new client.AggregatorRegistry();
}
