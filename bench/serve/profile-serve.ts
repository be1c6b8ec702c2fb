/**
 * npm run profile:serve — where one Marquee process spends its time on OIP REST infer:
 * starts `marquee serve --workers 1` under `--cpu-prof`, uploads a model (PROFILE_MODEL:
 * `logreg`, bench:serve's logistic regression; `mlp-small`, bench:batching's 784 → 256 → 10
 * MLP with a JSON row; `mlp-small-binary`, the same with the row and the answer as binary
 * data, as bench:batching sends them; `logreg-grpc`, the logistic regression over OIP gRPC
 * with bench:serve's ModelInfer message), drives it with wrk (h2load for gRPC;
 * BENCH_CONNECTIONS, 16; batch 1) and prints the heaviest functions by self time, grouped
 * by where they live. The .cpuprofile stays in PROFILE_DIR for DevTools.
 *
 * Environment: BENCH_DURATION seconds (10), PROFILE_DIR (a new temp folder),
 * PROFILE_TOP lines (40), MARQUEE_BENCH_ARGS extra `marquee serve` flags.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MarqueeClient } from '@marquee/client';
import { logisticRegressionModel } from '../../test/fixtures/onnx-models.ts';
import { checkH2load, grpcInferFrame, h2loadGrpc } from './h2load-grpc.ts';
import { checkGrpcInfer } from './infer-check.ts';
import { BENCH_TOKEN, ROOT as root, startBenchServer } from './marquee-process.ts';
import { mlpModel } from './mlp-model.ts';
import { mlpRowBodies } from './mlp-row-bodies.ts';
import { oipBody } from './oip-body.ts';
import { checkWrk, wrkLoad } from './wrk-load.ts';

const duration = Number(process.env.BENCH_DURATION ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 16);
const top = Number(process.env.PROFILE_TOP ?? 40);
const model = process.env.PROFILE_MODEL ?? 'logreg';
const MODELS = ['logreg', 'logreg-grpc', 'mlp-small', 'mlp-small-binary'];
if (!MODELS.includes(model)) throw new Error(`PROFILE_MODEL is one of ${MODELS.join(', ')}`);

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
  await checkH2load();
  const profDir = process.env.PROFILE_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-prof-'));
  const server = await startBenchServer(['--workers', '1'], {
    nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profDir}`],
  });
  try {
    const mq = new MarqueeClient({ baseUrl: server.url, token: BENCH_TOKEN });
    const small = model.startsWith('mlp');
    await mq.createModel({ owner: 'admin', name: model, task: 'classification' });
    await mq.uploadVersion(`admin/${model}`, small ? mlpModel([784, 256, 10]) : logisticRegressionModel().bytes);
    if (model === 'logreg-grpc') {
      const oipName = `admin.${model}`;
      await checkGrpcInfer(server.grpcPort, oipName, 1, BENCH_TOKEN);
      const frame = grpcInferFrame(oipName, 1);
      await h2loadGrpc(server.grpcPort, frame, 8, 3, BENCH_TOKEN);
      const r = await h2loadGrpc(server.grpcPort, frame, connections, duration, BENCH_TOKEN);
      console.log(`h2load: ${Math.round(r.rps)} req/s, mean ${r.mean.toFixed(2)} ms, failed ${r.failed}`);
    } else {
      const url = `${server.url}/v2/models/admin.${model}/infer`;
      const mlpBody = mlpRowBodies().find((b) => b.kind === (model === 'mlp-small' ? 'json' : 'binary'));
      const [body, headers] = small ? [mlpBody?.bytes ?? '', mlpBody?.headers] : [oipBody(1), undefined];
      await wrkLoad(url, 8, 3, body, BENCH_TOKEN, headers);
      const r = await wrkLoad(url, connections, duration, body, BENCH_TOKEN, headers);
      console.log(`wrk: ${Math.round(r.rps)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, non-2xx ${r.non2xx}`);
    }
  } finally {
    await server.stop();
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
