/**
 * npm run profile:serve — where one Marquee process spends its time on OIP REST infer:
 * starts `marquee serve` under `--cpu-prof`, uploads the bench's logistic regression,
 * drives it with wrk (16 connections, batch 1) and prints the heaviest functions by self
 * time, grouped by where they live. The .cpuprofile stays in PROFILE_DIR for DevTools.
 *
 * Environment: BENCH_DURATION seconds (10), PROFILE_DIR (a new temp folder),
 * PROFILE_TOP lines (40), MARQUEE_BENCH_ARGS extra `marquee serve` flags.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MarqueeClient } from '@marquee/client';
import { logisticRegressionModel } from '../../test/fixtures/onnx-models.ts';
import { oipBody } from './oip-body.ts';
import { checkWrk, wrkLoad } from './wrk-load.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, '..', '..');
const duration = Number(process.env.BENCH_DURATION ?? 10);
const top = Number(process.env.PROFILE_TOP ?? 40);
const token = 'mq_bench-admin-token-0000000000000000000000000';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Self time per function and per place (our packages, a dependency, node itself). */
export function summarise(profile: Profile): { functions: [string, number][]; places: [string, number][] } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i] as number;
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const functions = new Map<string, number>();
  const places = new Map<string, number>();
  for (const [id, us] of self) {
    const { functionName, url, lineNumber } = (byId.get(id) as ProfileNode).callFrame;
    const file = url.replace(/^file:\/\//, '').replace(`${root}/`, '');
    const key = `${functionName || '(anonymous)'} ${file ? `${file}:${lineNumber + 1}` : ''}`.trim();
    functions.set(key, (functions.get(key) ?? 0) + us);
    const place = !file
      ? functionName.startsWith('(')
        ? functionName
        : '(native)'
      : file.startsWith('node:')
        ? 'node:internal'
        : file.includes('node_modules/')
          ? `dep ${(/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file) as RegExpExecArray)[1]}`
          : file.split('/').slice(0, 4).join('/');
    places.set(place, (places.get(place) ?? 0) + us);
  }
  const share = (m: Map<string, number>) =>
    [...m].sort((a, b) => b[1] - a[1]).map(([k, us]) => [k, (100 * us) / total] as [string, number]);
  return { functions: share(functions), places: share(places) };
}

async function main() {
  await checkWrk();
  const profDir = process.env.PROFILE_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-prof-'));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-prof-data-'));
  const [port, grpcPort] = [await freePort(), await freePort()];
  const extra = (process.env.MARQUEE_BENCH_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(
    process.execPath,
    [
      '--cpu-prof',
      `--cpu-prof-dir=${profDir}`,
      '--import',
      'tsx',
      path.join(root, 'packages', 'cli', 'src', 'run.ts'),
      'serve',
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--grpc-port',
      String(grpcPort),
      '--data',
      dataDir,
      '--log-level',
      'warn',
      ...extra,
    ],
    { cwd: root, env: { ...process.env, MARQUEE_ADMIN_TOKEN: token }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    await new Promise<void>((resolve, reject) => {
      let out = '';
      child.stdout?.on('data', (d) => {
        out += d;
        if (/Marquee http/.test(out)) resolve();
      });
      child.on('exit', (code) => reject(new Error(`marquee serve exited with ${code}:\n${out}`)));
    });
    const mq = new MarqueeClient({ baseUrl: `http://127.0.0.1:${port}`, token });
    await mq.createModel({ owner: 'admin', name: 'bench-lr', task: 'classification' });
    await mq.uploadVersion('admin/bench-lr', logisticRegressionModel().bytes);
    const url = `http://127.0.0.1:${port}/v2/models/admin.bench-lr/infer`;
    await wrkLoad(url, 8, 3, oipBody(1), token);
    const r = await wrkLoad(url, 16, duration, oipBody(1), token);
    console.log(`wrk: ${Math.round(r.rps)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, non-2xx ${r.non2xx}`);
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  const file = fs.readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no .cpuprofile in ${profDir}`);
  const { functions, places } = summarise(JSON.parse(fs.readFileSync(path.join(profDir, file), 'utf8')));
  console.log('\nself time by place (% of samples)');
  for (const [k, p] of places.slice(0, 15)) console.log(`${p.toFixed(1).padStart(6)}  ${k}`);
  console.log('\nself time by function');
  for (const [k, p] of functions.slice(0, top)) console.log(`${p.toFixed(1).padStart(6)}  ${k}`);
  console.log(`\nprofile: ${path.join(profDir, file)}`);
}

await main();
