import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { MarqueeClient } from '@marquee/client';
import { currentBuild, PACKAGES, sourceState } from '../../packages/cli/bin/compiled-build.js';
import { rowSumModel } from '../fixtures/onnx-models.ts';
import { runCli, spawnServer } from '../harness/cli-process.ts';
import { FIXTURES_DIR } from '../harness/fixtures.ts';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

// Started with plain `node`, no loader: importing a single .ts module would fail, so a
// server that answers and trains (job and engine worker threads included) runs only
// JavaScript from dist/.
describe('the compiled build (npm run build:server)', () => {
  let out: string;
  let dir: string;
  let child: ChildProcess;
  let env: Record<string, string>;
  let entry: string;

  before(async () => {
    // Inside the repository, so that dist/ finds node_modules as the real one does.
    fs.mkdirSync(path.join(ROOT, 'test-output'), { recursive: true });
    out = fs.mkdtempSync(path.join(ROOT, 'test-output', 'compiled-'));
    const log = execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build-server.mjs'), '--out', out], {
      encoding: 'utf8',
    });
    assert.match(log, /files compiled into/);
    entry = path.join(out, 'packages', 'cli', 'dist', 'run.js');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-compiled-'));
    const data = path.join(dir, 'data');
    const s = await spawnServer(
      ['--port', '0', '--grpc-port', '0', '--host', '127.0.0.1', '--data', data],
      { MARQUEE_LOG_LEVEL: 'warn' },
      entry,
    );
    child = s.child;
    env = { MARQUEE_URL: s.url, MARQUEE_TOKEN: fs.readFileSync(path.join(data, 'admin-token'), 'utf8').trim() };
  });
  after(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(out, { recursive: true, force: true });
  });

  test('dist/ mirrors src/: no TypeScript, the .wasm and .proto files beside their modules', () => {
    const engine = path.join(out, 'packages', 'engine', 'dist');
    assert.ok(fs.existsSync(path.join(engine, 'linalg', 'wasm', 'gemm.wasm')));
    const server = path.join(out, 'packages', 'server', 'dist');
    assert.ok(fs.existsSync(path.join(server, 'api', 'oip', 'proto', 'open_inference_grpc.proto')));
    const files = PACKAGES.flatMap((p) =>
      fs.readdirSync(path.join(out, 'packages', p, 'dist'), { recursive: true }).map(String),
    );
    assert.deepEqual(
      files.filter((f) => f.endsWith('.ts')),
      [],
    );
    assert.ok(!files.some((f) => /\.test\.js$/.test(f)), 'tests are not built');
  });

  test('serves OIP REST and trains a model in a job, from JavaScript alone', async () => {
    const mq = new MarqueeClient({ baseUrl: env.MARQUEE_URL as string, token: env.MARQUEE_TOKEN });
    await mq.createModel({ owner: 'admin', name: 'rowsum', task: 'regression' });
    await mq.uploadVersion('admin/rowsum', rowSumModel());
    const res = await fetch(`${env.MARQUEE_URL}/v2/models/admin.rowsum/infer`, {
      method: 'POST',
      headers: { authorization: `Bearer ${env.MARQUEE_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }] }),
    });
    assert.equal(res.status, 200);
    const answer = (await res.json()) as { outputs: Array<{ data: number[] }> };
    assert.deepEqual(answer.outputs[0]?.data, [10]);

    const csv = path.join(dir, 'iris.csv');
    fs.copyFileSync(path.join(FIXTURES_DIR, 'tabular-sklearn', 'iris.csv'), csv);
    const push = await runCli(['datasets', 'push', csv, '--name', 'admin/iris'], { env, entry });
    assert.equal(push.code, 0, push.stderr);
    const followed = await runCli(
      [
        'train',
        '-m',
        'admin/iris-forest',
        '-d',
        'admin/iris',
        '--task',
        'classification',
        '--target',
        'target',
        '-a',
        'random-forest',
        '--follow',
      ],
      { env, entry },
    );
    assert.equal(followed.code, 0, followed.stderr);
    assert.match(followed.stderr, /succeeded: admin\/iris-forest version 1; held out: accuracy/);
  });
});

describe('marquee runs dist/ only while it matches the sources', () => {
  let root: string;
  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-stamp-'));
    for (const p of PACKAGES) {
      fs.mkdirSync(path.join(root, 'packages', p, 'src', 'sub'), { recursive: true });
      fs.writeFileSync(path.join(root, 'packages', p, 'src', 'sub', 'a.ts'), 'export {};\n');
    }
    fs.mkdirSync(path.join(root, 'packages', 'cli', 'dist'), { recursive: true });
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  const stamp = () =>
    fs.writeFileSync(path.join(root, 'packages', 'cli', 'dist', 'build-stamp.json'), JSON.stringify(sourceState(root)));

  test('no stamp, a stamp, then a changed, an added and a removed source', () => {
    assert.equal(currentBuild(root), undefined);
    stamp();
    assert.equal(currentBuild(root), path.join(root, 'packages', 'cli', 'dist', 'main.js'));

    const file = path.join(root, 'packages', 'server', 'src', 'sub', 'a.ts');
    const later = new Date(Date.now() + 5_000);
    fs.utimesSync(file, later, later);
    assert.equal(currentBuild(root), undefined, 'an edited source');
    stamp();
    const added = path.join(root, 'packages', 'engine', 'src', 'b.ts');
    fs.writeFileSync(added, 'export {};\n');
    fs.utimesSync(added, new Date(0), new Date(0));
    assert.equal(currentBuild(root), undefined, 'a new source, even with an old time');
    stamp();
    fs.rmSync(added);
    assert.equal(currentBuild(root), undefined, 'a source gone');
  });
});
