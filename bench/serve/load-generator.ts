/**
 * Runs autocannon against one URL in its own process and prints one JSON line, so the
 * load generator never shares an event loop with a server under test.
 *   node --import tsx bench/serve/load-generator.ts '{"url":…,"connections":16,"duration":10,"body":…,"token":…}'
 */
import autocannon from 'autocannon';

const opts = JSON.parse(process.argv[2] as string) as {
  url: string;
  connections: number;
  duration: number;
  body: string;
  token?: string;
};

const result = await autocannon({
  url: opts.url,
  method: 'POST',
  connections: opts.connections,
  duration: opts.duration,
  pipelining: 1,
  body: opts.body,
  headers: {
    'content-type': 'application/json',
    ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
  },
});
console.log(
  JSON.stringify({
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  }),
);
