/**
 * npm run bench:serve — OIP REST serving throughput against a bare node:http baseline,
 * measured in one run, each server in its own process, the load from wrk (C, one thread).
 *
 *   (a) baseline: node:http, parse the same JSON, fixed reply
 *   (b) Marquee OIP REST infer, 20-feature logistic regression (ONNX), batch 1, with the
 *       marketplace's usage counting on (the default)
 *   (b0) the same on a second Marquee process with usage counting off
 *       (MARQUEE_USAGE_COUNTING=0): b/b0 is what counting costs the predict path
 *   (c) Marquee OIP REST infer, a trained 100-tree random forest (ONNX), batch 1, and
 *   (c0) the same with usage counting off; both Marquee processes serve the same work
 *   (b-grpc), (c-grpc): the same two models over OIP gRPC ModelInfer, driven by h2load
 *       (nghttp2-client, C) on the counting-on process
 *   (d), (d-grpc): (b) and (b-grpc) on `marquee serve --workers 2`: d ÷ b is what the
 *       second process adds (all of them share the 2 cores with the load generator)
 *
 * Each repeat starts every server afresh (the bare one too). Each cell also gives the server's CPU per request (its processes' CPU time from /proc over
 * the run, divided by the requests answered) and the baseline's CPU per request over it.
 *
 * Environment: BENCH_DURATION seconds per cell (10), BENCH_CONNECTIONS ("16,64"),
 * BENCH_REPEATS (3; targets interleaved repeat by repeat, the median reported),
 * BENCH_ROWS rows per request (1), MARQUEE_BENCH_ARGS extra `marquee serve` flags.
 */
import os from 'node:os';
import { MarqueeClient } from '@marquee/client';
import { logisticRegressionModel } from '../../test/fixtures/onnx-models.ts';
import { startBaseline } from './baseline-process.ts';
import { randomForestModel } from './forest-model.ts';
import { checkH2load, grpcInferFrame, h2loadGrpc } from './h2load-grpc.ts';
import { checkGrpcInfer, checkRestInfer } from './infer-check.ts';
import { type BenchServer, startBenchServer, BENCH_TOKEN as token } from './marquee-process.ts';
import { oipBody } from './oip-body.ts';
import { treeCpuSeconds } from './process-cpu.ts';
import { checkWrk, wrkLoad } from './wrk-load.ts';

const duration = Number(process.env.BENCH_DURATION ?? 10);
const connections = (process.env.BENCH_CONNECTIONS ?? '16,64').split(',').map(Number);
const rows = Number(process.env.BENCH_ROWS ?? 1);
const repeats = Number(process.env.BENCH_REPEATS ?? 3);

interface Cell {
  target: string;
  connections: number;
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  non2xx: number;
  errors: number;
  /** The server's CPU (its processes together) per answered request, µs; NaN where /proc is not there. */
  cpuUs: number;
}

/** Runs `measure` and the server's CPU per request over it. */
async function withCpu<T extends { requests: number }>(
  pid: number,
  measure: () => Promise<T>,
): Promise<T & { cpuUs: number }> {
  const before = treeCpuSeconds(pid);
  const r = await measure();
  const after = treeCpuSeconds(pid);
  const cpuUs =
    before === undefined || after === undefined || r.requests === 0
      ? Number.NaN
      : ((after - before) * 1e6) / r.requests;
  return { ...r, cpuUs };
}

async function load(t: Target, conns: number, body: string): Promise<Cell> {
  const r = await withCpu(t.pid, () => wrkLoad(t.url, conns, duration, body, t.auth));
  return { target: t.target, connections: conns, ...r };
}

interface Target {
  target: string;
  url: string;
  auth?: string;
  /** The serving process (the supervisor under `--workers N`). */
  pid: number;
}

/**
 * The Marquee servers, fresh: one process with usage counting on and one with it off (the
 * two models each), and `--workers 2` (the logistic regression), uploaded and warmed.
 */
async function startMarquees(
  body: string,
  offFirst: boolean,
): Promise<{
  targets: Target[];
  grpc: { port: number; pid: number };
  workersGrpc: { port: number; pid: number };
  stop: () => Promise<void>;
}> {
  const servers: BenchServer[] = [];
  const stop = async () => {
    // Each saves its warm-start list as it stops; its folder goes once it has exited.
    await Promise.all(servers.map((s) => s.stop()));
  };
  stopping.add(stop);
  const start = async (args: string[], env: Record<string, string> = {}) => {
    const server = await startBenchServer(args, { env });
    servers.push(server);
    return server;
  };
  const startOn = () => start(['--workers', '1']);
  const startOff = () => start(['--workers', '1'], { MARQUEE_USAGE_COUNTING: '0' });
  let on: BenchServer;
  let off: BenchServer;
  if (offFirst) {
    off = await startOff();
    on = await startOn();
  } else {
    on = await startOn();
    off = await startOff();
  }
  const two = await start(['--workers', '2']);
  for (const { port } of servers) {
    const mq = new MarqueeClient({ baseUrl: `http://127.0.0.1:${port}`, token });
    for (const [name, bytes] of [
      ['bench-lr', logisticRegressionModel().bytes],
      ['bench-rf', randomForestModel()],
    ] as const) {
      if (port === two.port && name === 'bench-rf') continue;
      await mq.createModel({ owner: 'admin', name, task: 'classification' });
      await mq.uploadVersion(`admin/${name}`, bytes);
    }
  }
  const target = (name: string, s: BenchServer, model: string): Target => ({
    target: name,
    url: `http://127.0.0.1:${s.port}/v2/models/admin.${model}/infer`,
    auth: token,
    pid: s.child.pid as number,
  });
  const pair = (a: Target, b: Target) => (offFirst ? [b, a] : [a, b]);
  const targets: Target[] = [
    ...pair(target('b-marquee-logreg', on, 'bench-lr'), target('b0-marquee-logreg-no-usage-counting', off, 'bench-lr')),
    ...pair(
      target('c-marquee-forest100', on, 'bench-rf'),
      target('c0-marquee-forest100-no-usage-counting', off, 'bench-rf'),
    ),
    target('d-marquee-logreg-2-workers', two, 'bench-lr'),
  ];
  for (const t of targets) await checkRestInfer(t.url, body, rows, t.auth);
  // gRPC: answered right by a real client before h2load drives it.
  for (const [port, model] of [
    [on.grpcPort, 'admin.bench-lr'],
    [on.grpcPort, 'admin.bench-rf'],
    [two.grpcPort, 'admin.bench-lr'],
  ] as const)
    await checkGrpcInfer(port, model, rows, token);
  return {
    targets,
    grpc: { port: on.grpcPort, pid: on.child.pid as number },
    workersGrpc: { port: two.grpcPort, pid: two.child.pid as number },
    stop,
  };
}

/** gRPC ModelInfer load on the counting-on server (h2load), as a cell: mean latency in p50's place. */
async function grpcLoad(
  target: string,
  server: { port: number; pid: number },
  model: string,
  conns: number,
): Promise<Cell> {
  const r = await withCpu(server.pid, () =>
    h2loadGrpc(server.port, grpcInferFrame(model, rows), conns, duration, token),
  );
  return {
    cpuUs: r.cpuUs,
    target,
    connections: conns,
    rps: r.rps,
    p50: Number(r.mean.toFixed(2)),
    p99: Number.NaN,
    requests: r.requests,
    non2xx: r.failed,
    errors: 0,
  };
}

const stopping = new Set<() => unknown>();

async function main() {
  await checkWrk();
  await checkH2load();
  const cleanup = () => {
    for (const stop of stopping) stop();
  };
  process.on('SIGINT', () => {
    cleanup();
    process.exit(130);
  });
  const body = oipBody(rows);
  /** A fresh bare server: like Marquee's processes, one per repeat (a process keeps its placement for life). */
  const startBaselineTarget = async (): Promise<{ target: Target; stop: () => Promise<void> }> => {
    const server = await startBaseline();
    stopping.add(server.stop);
    const target = { target: 'a-node-http-baseline', url: server.url, pid: server.pid };
    await checkRestInfer(target.url, body, rows);
    return { target, stop: server.stop };
  };
  try {
    // The machine is shared and one process runs faster than another for reasons of its
    // own (placement, JIT): each repeat starts fresh processes, the targets are
    // interleaved, and each cell reports its median run; ratios are also given per repeat.
    const runs = new Map<string, Cell[]>();
    for (let rep = 0; rep < repeats; rep++) {
      // Odd repeats start and measure the counting-off process first: order is not a factor.
      const baseline = await startBaselineTarget();
      const { targets, grpc, workersGrpc, stop } = await startMarquees(body, rep % 2 === 1);
      try {
        for (const conns of connections) {
          for (const t of [baseline.target, ...targets]) {
            const cell = await load(t, conns, body);
            const key = `${conns} ${t.target}`;
            runs.set(key, [...(runs.get(key) ?? []), cell]);
            console.log(JSON.stringify({ ...cell, repeat: rep, rows, duration, loadavg1m: os.loadavg()[0] }));
          }
          for (const [target, server, model] of [
            ['b-grpc-marquee-logreg', grpc, 'admin.bench-lr'],
            ['c-grpc-marquee-forest100', grpc, 'admin.bench-rf'],
            ['d-grpc-marquee-logreg-2-workers', workersGrpc, 'admin.bench-lr'],
          ] as const) {
            const cell = await grpcLoad(target, server, model, conns);
            const key = `${conns} ${target}`;
            runs.set(key, [...(runs.get(key) ?? []), cell]);
            console.log(JSON.stringify({ ...cell, repeat: rep, rows, duration, loadavg1m: os.loadavg()[0] }));
          }
        }
      } finally {
        await stop();
        stopping.delete(stop);
        await baseline.stop();
        stopping.delete(baseline.stop);
      }
    }
    const cells: Cell[] = [...runs.values()].map((list) => {
      const sorted = [...list].sort((a, b) => a.rps - b.rps);
      return sorted[Math.floor(sorted.length / 2)] as Cell;
    });
    const cpu = os.cpus()[0]?.model ?? '?';
    console.log(
      `\n${new Date().toISOString()}  ${os.cpus().length} × ${cpu}, node ${process.version}, median of ${repeats} × ${duration} s per cell, ${rows} row(s) per request\n`,
    );
    console.log(
      '| target | connections | req/s | p50 ms (gRPC: mean) | p99 ms | non-2xx, errors | ÷ (a) | server CPU µs/request | (a) ÷ CPU |',
    );
    console.log('|---|---|---|---|---|---|---|---|---|');
    for (const c of cells) {
      const base = cells.find((x) => x.connections === c.connections && x.target.startsWith('a-'));
      const isBase = c.target.startsWith('a-') || !base;
      const ratio = isBase ? '' : (c.rps / base.rps).toFixed(2);
      // The baseline's CPU per request over this target's: the like-for-like ratio with the
      // load generator's share of the cores taken out.
      const cpuRatio = isBase || Number.isNaN(c.cpuUs) ? '' : (base.cpuUs / c.cpuUs).toFixed(2);
      console.log(
        `| ${c.target} | ${c.connections} | ${Math.round(c.rps).toLocaleString('en')} | ${c.p50} | ${Number.isNaN(c.p99) ? '–' : c.p99} | ${c.non2xx + c.errors} | ${ratio} | ${Number.isNaN(c.cpuUs) ? '–' : c.cpuUs.toFixed(0)} | ${cpuRatio} |`,
      );
    }
    for (const conns of connections) {
      for (const one of ['b-marquee-logreg', 'b0-marquee-logreg-no-usage-counting']) {
        const perRepeat = Array.from({ length: repeats }, (_, rep) => {
          const x = runs.get(`${conns} ${one}`)?.[rep];
          const a = runs.get(`${conns} a-node-http-baseline`)?.[rep];
          return x && a ? (x.rps / a.rps).toFixed(2) : '?';
        });
        console.log(`${one} ÷ a-node-http-baseline, ${conns} connections, per repeat: ${perRepeat.join(' ')}`);
      }
      for (const [two, one] of [
        ['d-marquee-logreg-2-workers', 'b-marquee-logreg'],
        ['d-grpc-marquee-logreg-2-workers', 'b-grpc-marquee-logreg'],
      ]) {
        const perRepeat = Array.from({ length: repeats }, (_, rep) => {
          const a = runs.get(`${conns} ${two}`)?.[rep];
          const b = runs.get(`${conns} ${one}`)?.[rep];
          return a && b ? (a.rps / b.rps).toFixed(2) : '?';
        });
        console.log(`${two} ÷ ${one}, ${conns} connections, per repeat: ${perRepeat.join(' ')}`);
      }
      for (const model of ['b', 'c']) {
        const perRepeat = Array.from({ length: repeats }, (_, rep) => {
          const on = runs.get(`${conns} ${model === 'b' ? 'b-marquee-logreg' : 'c-marquee-forest100'}`)?.[rep];
          const off = runs.get(
            `${conns} ${model === 'b' ? 'b0-marquee-logreg-no-usage-counting' : 'c0-marquee-forest100-no-usage-counting'}`,
          )?.[rep];
          return on && off ? (on.rps / off.rps).toFixed(2) : '?';
        });
        console.log(`${model} ÷ ${model}0 per repeat, ${conns} connections: ${perRepeat.join(' ')}`);
        const on = cells.find((c) => c.connections === conns && c.target.startsWith(`${model}-`));
        const off = cells.find((c) => c.connections === conns && c.target.startsWith(`${model}0-`));
        if (on && off)
          console.log(
            `usage counting, ${model}, ${conns} connections: ${(on.rps / off.rps).toFixed(3)} × the throughput without it, p99 ${on.p99} vs ${off.p99} ms`,
          );
      }
    }
  } finally {
    cleanup();
  }
}

await main();
