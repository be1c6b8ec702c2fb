import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { MarqueeClient } from '@marquee/client';
import { rowSumModel } from '../fixtures/onnx-models.ts';
import { runCli, spawnServer } from '../harness/cli-process.ts';
import { FIXTURES_DIR } from '../harness/fixtures.ts';

describe('the marquee command and the server process', () => {
  let dir: string;
  let child: ChildProcess;
  let url: string;
  let banner: () => string;
  let adminToken: string;
  let env: Record<string, string>;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-cli-'));
    const s = await spawnServer(
      [
        '--port',
        '0',
        '--grpc-port',
        '0',
        '--host',
        '127.0.0.1',
        '--data',
        path.join(dir, 'data'),
        '--max-batch-delay-ms',
        '1500',
      ],
      {
        MARQUEE_LOG_LEVEL: 'warn',
        // Far longer than the test waits: the process must exit because its work is done.
        MARQUEE_DRAIN_TIMEOUT_MS: '120000',
      },
    );
    child = s.child;
    url = s.url;
    banner = s.output;
    adminToken = fs.readFileSync(path.join(dir, 'data', 'admin-token'), 'utf8').trim();
    env = { MARQUEE_CONFIG_DIR: path.join(dir, 'config'), MARQUEE_URL: url };
  });
  after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the generated admin token is printed once and matches the file', async () => {
    for (let i = 0; i < 50 && !banner().includes(adminToken); i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(banner().includes(adminToken));
    assert.ok(banner().includes('Created user "admin"'));
  });

  test('every command has --help, and unknown commands and flags are usage errors', async () => {
    const top = await runCli(['--help']);
    assert.equal(top.code, 0);
    const verbs = [
      ['serve'],
      ['login'],
      ['datasets', 'push'],
      ['datasets', 'list'],
      ['datasets', 'show'],
      ['models', 'push'],
      ['models', 'list'],
      ['models', 'show'],
      ['train'],
      ['predict'],
      ['jobs', 'list'],
      ['jobs', 'show'],
      ['jobs', 'cancel'],
      ['search'],
      ['publish'],
      ['benchmarks', 'list'],
      ['benchmarks', 'create'],
      ['benchmarks', 'train-data'],
      ['benchmarks', 'submit'],
      ['leaderboard'],
      ['orgs', 'create'],
      ['orgs', 'show'],
      ['orgs', 'member'],
      ['collaborators'],
      ['fork'],
      ['webhooks', 'create'],
      ['webhooks', 'list'],
      ['webhooks', 'deliveries'],
      ['webhooks', 'delete'],
    ];
    for (const verb of verbs) assert.ok(top.stdout.includes(verb.join(' ')), verb.join(' '));
    for (const verb of verbs) {
      const r = await runCli([...verb, '--help']);
      assert.equal(r.code, 0, verb.join(' '));
      assert.match(r.stdout, new RegExp(`^Usage: marquee ${verb.join(' ')}`));
      assert.match(r.stdout, /--help/);
      // Every flag stands apart from its description, however long the flag.
      for (const line of r.stdout.split('\n').filter((l) => l.startsWith('  --'))) {
        assert.match(line, /^ {2}--\S+( <value>)? {2,}\S/, line);
      }
    }
    assert.equal((await runCli(['frobnicate'])).code, 2);
    const badFlag = await runCli(['predict', 'a/b', '--nope']);
    assert.equal(badFlag.code, 2);
    assert.match(badFlag.stderr, /Unknown option '--nope'/);
  });

  test('login with a password saves the token with mode 0600; login with a token works too', async () => {
    await new MarqueeClient({ baseUrl: url, token: adminToken }).createUser('carol', 'carol-password');
    const wrong = await runCli(['login', '--username', 'carol', '--password-stdin'], { env, input: 'nope-nope\n' });
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /401/);
    const r = await runCli(['login', '--username', 'carol', '--password-stdin'], { env, input: 'carol-password\n' });
    assert.equal(r.code, 0, r.stderr);
    const file = path.join(dir, 'config', 'credentials.json');
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    const saved = JSON.parse(fs.readFileSync(file, 'utf8'));
    assert.equal(saved.username, 'carol');
    assert.equal(saved.server, url);
    const asAdmin = await runCli(['login', '--token', adminToken], { env });
    assert.equal(asAdmin.code, 0, asAdmin.stderr);
    assert.match(asAdmin.stdout, /as admin/);
  });

  test('models push creates the model, uploads a version and sets an alias; predict calls it', async () => {
    const file = path.join(dir, 'rowsum.onnx');
    fs.writeFileSync(file, rowSumModel());
    const push = await runCli(
      ['models', 'push', file, '--name', 'admin/cli-rowsum', '--task', 'regression', '--alias', 'champion'],
      { env },
    );
    assert.equal(push.code, 0, push.stderr);
    const v = JSON.parse(push.stdout);
    assert.equal(v.version, 1);
    assert.equal(v.signature.inputs[0].name, 'x');
    const bad = path.join(dir, 'bad.onnx');
    fs.writeFileSync(bad, 'not a model');
    const rejected = await runCli(['models', 'push', bad, '--name', 'admin/cli-rowsum'], { env });
    assert.equal(rejected.code, 1);
    assert.match(rejected.stderr, /400 not a valid ONNX model/);

    const p = await runCli(['predict', 'admin/cli-rowsum', '--data', '[[1,2,3,4],[1,1,1,1]]'], { env });
    assert.equal(p.code, 0, p.stderr);
    const out = JSON.parse(p.stdout);
    assert.deepEqual(out.outputs[0].data, [10, 4]);
    assert.equal(out.model_version, '1');
    const req = JSON.stringify({
      id: 'r1',
      inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4], data: [2, 2, 2, 2] }],
    });
    const viaStdin = await runCli(['predict', 'admin/cli-rowsum', '--file', '-'], { env, input: req });
    assert.equal(viaStdin.code, 0, viaStdin.stderr);
    assert.deepEqual(JSON.parse(viaStdin.stdout).outputs[0].data, [8]);
    const missing = await runCli(['predict', 'admin/nope', '--data', '[[1,2,3,4]]'], { env });
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /404/);
  });

  test('datasets push, train --follow with progress, predict on records; a failing job exits 1', async () => {
    const file = path.join(dir, 'iris.csv');
    fs.copyFileSync(path.join(FIXTURES_DIR, 'tabular-sklearn', 'iris.csv'), file);
    const push = await runCli(['datasets', 'push', file, '--name', 'admin/iris'], { env });
    assert.equal(push.code, 0, push.stderr);
    const v = JSON.parse(push.stdout);
    assert.equal(v.version, 1);
    assert.equal(v.rowCount, 150);
    assert.match(push.stderr, /Created dataset admin\/iris/);
    const target = 'target'; // classes 0, 1, 2: a numeric column can be a classification target
    assert.equal(v.columns.length, 5);

    const ok = await runCli(
      [
        'train',
        '--model',
        'admin/iris-gb',
        '--dataset',
        'admin/iris@1',
        '--task',
        'classification',
        '--target',
        target,
        '--algorithm',
        'gradient-boosting',
        '--follow',
      ],
      { env },
    );
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stderr, /% iteration/, 'progress lines while it trains');
    assert.match(ok.stderr, /succeeded: admin\/iris-gb version 1; held out: accuracy/);
    assert.equal(JSON.parse(ok.stdout).state, 'succeeded');

    const features = (v.columns as Array<{ name: string; kind: string }>).filter((c) => c.name !== target);
    const record = Object.fromEntries(features.map((c) => [c.name, 1]));
    const p = await runCli(['predict', 'admin/iris-gb', '--records', JSON.stringify([record])], { env });
    assert.equal(p.code, 0, p.stderr);
    const [prediction] = JSON.parse(p.stdout).predictions;
    assert.ok(['0', '1', '2'].includes(prediction.label));
    assert.deepEqual(Object.keys(prediction.probabilities), ['0', '1', '2']);

    const failing = await runCli(
      [
        'train',
        '-m',
        'admin/iris-slow',
        '-d',
        'admin/iris',
        '--task',
        'classification',
        '--target',
        target,
        '-a',
        'mlp',
        '--params',
        '{"maxIter": 100000, "hiddenLayers": [512, 512]}',
        '--time-limit',
        '1',
        '--follow',
      ],
      { env },
    );
    assert.equal(failing.code, 1);
    assert.match(failing.stderr, /failed: the job ran past its time limit of 1 s/);
    // --algorithm auto with its budget and metric.
    const auto = await runCli(
      [
        'train',
        ...['-m', 'admin/iris-auto', '-d', 'admin/iris@1', '--task', 'classification', '--target', target],
        ...['-a', 'auto', '--time-budget', '20', '--metric', 'balancedAccuracy', '--follow'],
      ],
      { env },
    );
    assert.equal(auto.code, 0, auto.stderr);
    assert.match(auto.stderr, /succeeded: admin\/iris-auto version 1; held out: accuracy/);
    assert.ok(JSON.parse(auto.stdout).result.metrics.balancedAccuracy > 0.85, auto.stdout);
    const usage = await runCli(['train', '--model', 'admin/x'], { env });
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /give --dataset/);
  });

  test('models, datasets and jobs list|show (tables and --json); jobs cancel; publish prints the gate; search', async () => {
    const models = await runCli(['models', 'list'], { env });
    assert.equal(models.code, 0, models.stderr);
    assert.match(models.stdout, /^MODEL +TASK +VISIBILITY +LATEST +UPDATED\n/);
    assert.match(models.stdout, /admin\/iris-gb +classification +private +1 /);
    const json = JSON.parse((await runCli(['models', 'list', '--json', '--q', 'gb'], { env })).stdout);
    assert.equal(json.total, 1);
    const show = await runCli(['models', 'show', 'admin/iris-gb'], { env });
    assert.match(show.stdout, /admin\/iris-gb +\(classification, private\)/);
    assert.match(show.stdout, /1 +training +gradient-boosting +accuracy/);
    const datasets = await runCli(['datasets', 'list'], { env });
    assert.match(datasets.stdout, /admin\/iris +private +1 /);
    const ds = await runCli(['datasets', 'show', 'admin/iris'], { env });
    assert.match(ds.stdout, /1 +csv +150 +sepal_length/);
    const jobs = JSON.parse((await runCli(['jobs', 'list', '--json'], { env })).stdout) as Array<{
      id: string;
      state: string;
    }>;
    assert.ok(jobs.length >= 2);
    const one = await runCli(['jobs', 'show', jobs[0]?.id ?? ''], { env });
    assert.equal(JSON.parse(one.stdout).id, jobs[0]?.id);
    const cancel = await runCli(['jobs', 'cancel', jobs.find((j) => j.state === 'succeeded')?.id ?? ''], { env });
    assert.equal(cancel.code, 1, 'a finished job cannot be cancelled');
    assert.match(cancel.stderr, /already succeeded/);
    assert.equal((await runCli(['models', 'list', '--limit', '500'], { env })).code, 1);
    const gate = await runCli(['publish', 'admin/iris-gb', '--version', '1'], { env });
    assert.equal(gate.code, 1, 'the draft card does not pass');
    assert.match(gate.stdout, /FAIL +card\.intendeduse/);
    assert.match(gate.stdout, /pass +smoke\.example/);
    const found = await runCli(['search', 'iris', '--json'], { env });
    assert.equal(JSON.parse(found.stdout).total, 0, 'nothing failed is listed');
  });

  test('SIGTERM drains: an in-flight request still gets its answer, then the process exits 0', async () => {
    const client = new MarqueeClient({ baseUrl: url, token: adminToken });
    // The server batches with a 1.5 s delay, so this request is still in flight at SIGTERM.
    const started = Date.now();
    const inflight = client.oip.infer('admin/cli-rowsum', [
      { name: 'x', datatype: 'FP32', shape: [1, 4], data: [1, 2, 3, 4] },
    ]);
    await new Promise((r) => setTimeout(r, 300));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    const res = await inflight;
    assert.deepEqual(res.outputs[0]?.data, [10]);
    assert.ok(Date.now() - started >= 1000, 'the answer came after the batch delay, not from a cut connection');
    const answered = Date.now();
    assert.equal(await exited, 0);
    assert.ok(Date.now() - answered < 60_000, 'the process exited once drained, not at the drain timeout');
    await assert.rejects(fetch(`${url}/healthz`));
  });
});
