/**
 * npm run bench:workers — what a second serving process adds: `marquee serve --workers 2`
 * against `--workers 1`, measured from outside, with the load generator pinned apart from
 * the servers where the cores allow it (taskset):
 *
 *   one process    `--workers 1`, every thread of it on CPU 0; wrk or h2load on CPU 1
 *   two processes  `--workers 2`, worker i on CPU i; the generator wherever the kernel
 *                  puts it (on two cores none is left for it alone)
 *
 * Models, batch 1, default batching; http, lr and svm by default, the others by BENCH_MODELS:
 *   lr       the 20-feature logistic regression of bench:serve's (b): so little work that
 *            the generator's own CPU per request is a third of the server's
 *   svm      an RBF kernel SVM with ~3,000 support vectors (kernel-svm-model.ts) on the same
 *            20 values: 40–60 µs of ONNX Runtime a row, serving work that outweighs the
 *            generator's
 *   mlp      bench:batching's small MLP (784 → 256 → 10) on a JSON row of 784 values
 *   big-mlp  bench:batching's big MLP (784 → 2048 → 2048 → 10): 23 MB of weights, so two
 *            processes' copies no longer share a 32 MB L3 cache the way one process's fits
 *   http     not a model: bench:serve's bare node:http server (target a), one process or
 *            two sharing the port by node:cluster, REST only: what a second process gives
 *            Node itself on these cores
 * over OIP REST (wrk) and OIP gRPC (h2load), at each connection count.
 *
 * Each repeat starts both servers afresh and alternates which of the two is measured
 * first. Each cell gives req/s, p99, the server's CPU per request (S, its processes from
 * /proc), the rest of the machine's (W: the generator and the kernel's loopback work,
 * /proc/stat) and the busy cores. For each pairing: two ÷ one per repeat and their
 * median, and the bound the two cores put on it when the generator shares them:
 * 2 cores ÷ (S₂ + W₂) ÷ one process's req/s. Beside it, the servers' own scaling,
 * 2·S₁ ÷ S₂: what two processes would give if the generator had cores of its own and
 * their CPU per request stayed as measured. It is derived from CPU time, not a throughput.
 *
 * Environment: BENCH_DURATION seconds per cell (8), BENCH_CONNECTIONS ("16,64"),
 * BENCH_REPEATS (3), BENCH_MODELS ("http,lr,svm"; also mlp, big-mlp), BENCH_PROTOCOLS ("rest,grpc"),
 * BENCH_PIN (1; 0 leaves every process where the kernel puts it).
 */
import os from 'node:os';
import { MarqueeClient } from '@marquee/client';
import { logisticRegressionModel } from '../../test/fixtures/onnx-models.ts';
import { startBaseline } from './baseline-process.ts';
import { canPin, pinProcess, servingProcesses } from './cpu-pinning.ts';
import { checkH2load, grpcInferFrame, h2loadGrpc } from './h2load-grpc.ts';
import { checkGrpcInfer, checkRestInfer } from './infer-check.ts';
import { kernelSvmModel } from './kernel-svm-model.ts';
import { machineBusySeconds } from './machine-cpu.ts';
import { startBenchServer, BENCH_TOKEN as token } from './marquee-process.ts';
import { mlpModel } from './mlp-model.ts';
import { oipBody } from './oip-body.ts';
import { treeCpuSeconds } from './process-cpu.ts';
import { checkWrk, wrkLoad } from './wrk-load.ts';

const duration = Number(process.env.BENCH_DURATION ?? 8);
const connections = (process.env.BENCH_CONNECTIONS ?? '16,64').split(',').map(Number);
const repeats = Number(process.env.BENCH_REPEATS ?? 3);
const modelKeys = (process.env.BENCH_MODELS ?? 'http,lr,svm').split(',');
const protocols = (process.env.BENCH_PROTOCOLS ?? 'rest,grpc').split(',');
const pin = process.env.BENCH_PIN !== '0' && os.cpus().length >= 2 && canPin();

/** Each model's request is one row of `features` values (bench:serve's body for 20). */
const MODELS: Record<string, { name: string; features: number; bytes: () => Uint8Array }> = {
  lr: { name: 'bench-lr', features: 20, bytes: () => logisticRegressionModel().bytes },
  svm: { name: 'bench-svm', features: 20, bytes: () => kernelSvmModel() },
  mlp: { name: 'bench-mlp', features: 784, bytes: () => mlpModel([784, 256, 10]) },
  'big-mlp': { name: 'bench-big-mlp', features: 784, bytes: () => mlpModel([784, 2048, 2048, 10]) },
};
/** Not a model: bench:serve's bare node:http server, what a second process gives Node itself (REST only). */
const BARE = 'http';

interface Cell {
  model: string;
  protocol: string;
  connections: number;
  processes: 1 | 2;
  rps: number;
  /** p99 (REST) or mean (gRPC: h2load gives no percentiles), ms. */
  latency: number;
  failed: number;
  /** The server's CPU per answered request, µs. */
  serverUs: number;
  /** The rest of the machine's CPU per answered request, µs. */
  restUs: number;
  /** Busy cores over the run, the whole machine. */
  busy: number;
}

interface Server {
  processes: 1 | 2;
  /** The process started: the supervisor under two. */
  pid: number;
  /** OIP REST infer URL of a model. */
  inferUrl(model: string): string;
  /** OIP gRPC port; the bare server has none. */
  grpcPort?: number;
  /** The generator's core when it has one to itself. */
  loadCpu?: number;
  stop(): Promise<void>;
}

/** Pins a server's processes one per core; the generator's core when it has one to itself. */
function place(pid: number, processes: 1 | 2): number | undefined {
  if (!pin) return undefined;
  for (const [i, worker] of servingProcesses(pid).entries()) pinProcess(worker, i % 2);
  return processes === 1 ? 1 : undefined;
}

async function startServer(
  processes: 1 | 2,
  models: Array<{ name: string; features: number; bytes: Uint8Array }>,
): Promise<Server> {
  const server = await startBenchServer(['--workers', String(processes)]);
  const pid = server.child.pid as number;
  const loadCpu = place(pid, processes);
  const mq = new MarqueeClient({ baseUrl: server.url, token });
  for (const m of models) {
    await mq.createModel({ owner: 'admin', name: m.name, task: 'classification' });
    await mq.uploadVersion(`admin/${m.name}`, m.bytes);
    await checkRestInfer(`${server.url}/v2/models/admin.${m.name}/infer`, oipBody(1, m.features), 1, token);
    await checkGrpcInfer(server.grpcPort, `admin.${m.name}`, 1, token, m.features);
  }
  return {
    processes,
    pid,
    inferUrl: (model) => `${server.url}/v2/models/admin.${model}/infer`,
    grpcPort: server.grpcPort,
    loadCpu,
    stop: () => server.stop(),
  };
}

/** bench:serve's bare node:http server (target a), its port shared by `processes` node:cluster processes. */
async function startBare(processes: 1 | 2): Promise<Server> {
  const bare = await startBaseline(processes);
  const loadCpu = place(bare.pid, processes);
  await checkRestInfer(bare.url, oipBody(1), 1);
  return { processes, pid: bare.pid, inferUrl: () => bare.url, loadCpu, stop: () => bare.stop() };
}

async function measure(s: Server, model: string, protocol: string, conns: number): Promise<Cell> {
  const { name, features } = MODELS[model] ?? { name: BARE, features: 20 };
  const [cpu0, busy0, t0] = [treeCpuSeconds(s.pid), machineBusySeconds(), performance.now()];
  let r: { rps: number; latency: number; requests: number; failed: number };
  if (protocol === 'rest') {
    const w = await wrkLoad(s.inferUrl(name), conns, duration, oipBody(1, features), token, undefined, s.loadCpu);
    r = { rps: w.rps, latency: w.p99, requests: w.requests, failed: w.non2xx + w.errors };
  } else {
    const g = await h2loadGrpc(
      s.grpcPort as number,
      grpcInferFrame(`admin.${name}`, 1, features),
      conns,
      duration,
      token,
      s.loadCpu,
    );
    r = { rps: g.rps, latency: g.mean, requests: g.requests, failed: g.failed };
  }
  const [cpu1, busy1, t1] = [treeCpuSeconds(s.pid), machineBusySeconds(), performance.now()];
  const per = (seconds: number) => (r.requests ? (seconds * 1e6) / r.requests : Number.NaN);
  const server = cpu0 === undefined || cpu1 === undefined ? Number.NaN : cpu1 - cpu0;
  const machine = busy0 === undefined || busy1 === undefined ? Number.NaN : busy1 - busy0;
  return {
    model,
    protocol,
    connections: conns,
    processes: s.processes,
    rps: r.rps,
    latency: r.latency,
    failed: r.failed,
    serverUs: per(server),
    restUs: per(machine - server),
    busy: machine / ((t1 - t0) / 1000),
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const fixed = (x: number, digits: number) => (Number.isNaN(x) ? '–' : x.toFixed(digits));

function report(cells: Cell[]): void {
  const cpu = os.cpus()[0]?.model ?? '?';
  console.log(
    `\n${new Date().toISOString()}  ${os.cpus().length} × ${cpu}, node ${process.version}, load average ${os.loadavg()[0]?.toFixed(2)}; ${repeats} × ${duration} s per cell, medians; ${pin ? 'one process on CPU 0 and the generator on CPU 1; two processes one per core' : 'nothing pinned'}\n`,
  );
  console.log(
    "| model | protocol | connections | processes | req/s | p99 ms (gRPC: mean) | failed | server CPU µs/req (S) | rest of machine µs/req (W) | busy cores | two ÷ one, per repeat | median | cores' bound 2 ÷ (S₂ + W₂) ÷ one | servers' own scaling 2·S₁ ÷ S₂ |",
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const conns of connections)
    for (const model of modelKeys)
      for (const protocol of protocols) {
        const of = (n: 1 | 2) =>
          cells.filter(
            (c) => c.model === model && c.protocol === protocol && c.connections === conns && c.processes === n,
          );
        const [one, two] = [of(1), of(2)];
        if (!one.length) continue;
        const ratios = one.map((c, i) => (two[i]?.rps ?? Number.NaN) / c.rps);
        const mid = (list: Cell[], key: keyof Cell) => median(list.map((c) => c[key] as number));
        const bound = 2e6 / (mid(two, 'serverUs') + mid(two, 'restUs')) / mid(one, 'rps');
        const scaling = (2 * mid(one, 'serverUs')) / mid(two, 'serverUs');
        for (const [n, list] of [
          [1, one],
          [2, two],
        ] as const) {
          const tail =
            n === 2
              ? `${ratios.map((x) => fixed(x, 2)).join(' ')} | **${fixed(median(ratios), 2)}** | ${fixed(bound, 2)} | ${fixed(scaling, 2)}`
              : ' | | | ';
          console.log(
            `| ${model} | ${protocol} | ${conns} | ${n} | ${Math.round(mid(list, 'rps')).toLocaleString('en')} | ${fixed(mid(list, 'latency'), 2)} | ${list.reduce((s, c) => s + c.failed, 0)} | ${fixed(mid(list, 'serverUs'), 1)} | ${fixed(mid(list, 'restUs'), 1)} | ${fixed(mid(list, 'busy'), 2)} | ${tail} |`,
          );
        }
      }
}

async function main() {
  for (const p of protocols)
    if (p !== 'rest' && p !== 'grpc') throw new Error(`BENCH_PROTOCOLS: unknown ${p} (rest, grpc)`);
  await checkWrk();
  if (protocols.includes('grpc')) await checkH2load();
  if (!pin) console.error('bench:workers: not pinning (BENCH_PIN=0, one core, or no taskset)');
  for (const k of modelKeys)
    if (k !== BARE && !MODELS[k])
      throw new Error(`BENCH_MODELS: unknown model ${k} (${[BARE, ...Object.keys(MODELS)].join(', ')})`);
  const models = modelKeys
    .filter((k) => k !== BARE)
    .map((k) => {
      const m = MODELS[k] as (typeof MODELS)[string];
      return { name: m.name, features: m.features, bytes: m.bytes() };
    });
  const cells: Cell[] = [];
  let servers: Server[] = [];
  const stop = () => Promise.all(servers.map((s) => s.stop()));
  process.once('SIGINT', () => void stop().then(() => process.exit(130)));
  for (let rep = 0; rep < repeats; rep++) {
    const marquees = models.length ? [await startServer(1, models), await startServer(2, models)] : [];
    servers = [...marquees];
    const bare = modelKeys.includes(BARE) ? [await startBare(1), await startBare(2)] : [];
    servers.push(...bare);
    try {
      for (const conns of connections)
        for (const model of modelKeys)
          for (const protocol of protocols) {
            if (model === BARE && protocol !== 'rest') continue;
            // Alternate which is measured first, so that a drift of the host's speed within a repeat falls on both.
            const pair = model === BARE ? bare : marquees;
            const order = rep % 2 === 0 ? pair : [...pair].reverse();
            for (const s of order) {
              const cell = await measure(s, model, protocol, conns);
              cells.push(cell);
              console.log(JSON.stringify({ ...cell, repeat: rep, pinned: pin, loadavg1m: os.loadavg()[0] }));
            }
          }
    } finally {
      await stop();
      servers = [];
    }
  }
  report(cells);
}

await main();
