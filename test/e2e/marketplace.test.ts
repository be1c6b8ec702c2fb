import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { MarqueeApiError, MarqueeClient, TrainingJob, VerificationReport } from '@marquee/client';
import { fixtureFile } from '../harness/fixtures.ts';
import { http, startTestServer, type TestServer } from '../harness/test-server.ts';

const run = promisify(execFile);
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const COMPLETE_CARD = (claims: string) => `---
license: mit
language: [en, zh]
tags: [flowers, 情感分析]
task: classification
${claims}
---
# Iris species

Tells the three iris species apart from four measurements of a flower.

## Intended use

Teaching: a small classifier to try the marketplace with.

## Training data

Fisher's iris, 150 flowers; 80% to train, 20% held out.

## Limitations

Three species only; measurements in centimetres.
`;

async function finished(client: MarqueeClient, job: TrainingJob): Promise<TrainingJob> {
  const done = await client.followJob(job.id);
  assert.equal(done.state, 'succeeded', done.error ?? '');
  return done;
}

const reportOf = (job: TrainingJob) => (job.result as { report: VerificationReport }).report;
const failed = (r: VerificationReport) => r.checks.filter((c) => !c.passed).map((c) => c.name);

describe('marketplace: listings, cards, the quality gate, search, popularity, snippets', () => {
  let t: TestServer;
  let alice: MarqueeClient;
  let bob: MarqueeClient;
  let aliceToken: string;
  let accuracy: number;

  before(async () => {
    t = await startTestServer({ jobConcurrency: 1 });
    await t.admin.createUser('alice', 'alice password 1');
    await t.admin.createUser('bob', 'bob password 12');
    alice = t.client();
    aliceToken = (await alice.login('alice', 'alice password 1')).token;
    bob = t.client();
    await bob.login('bob', 'bob password 12');
    await alice.createDataset({ owner: 'alice', name: 'iris', visibility: 'public' });
    await alice.uploadDatasetVersion('alice/iris', fixtureFile('tabular-sklearn/iris.csv'), 'csv');
    const job = await alice.train({
      model: 'alice/iris-lr',
      dataset: 'alice/iris@1',
      task: 'classification',
      algorithm: 'logistic-regression',
      target: 'target',
      seed: 1,
    });
    await finished(alice, job);
    const v = (await alice.listVersions('alice/iris-lr'))[0];
    accuracy = v?.details?.metrics.accuracy as number;
  });
  after(() => t.close());

  test('listings answer only what the caller may see, with a total and pages', async () => {
    const mine = await alice.listModels({ owner: 'alice' });
    assert.equal(mine.total, 1);
    assert.equal(mine.items[0]?.fullName, 'alice/iris-lr');
    assert.equal((await bob.listModels({ owner: 'alice' })).total, 0, 'a private model is not listed to others');
    const anonymous = await http(t, 'GET', '/api/v1/models');
    assert.equal(anonymous.status, 200);
    assert.equal(anonymous.json.total, 0);
    assert.equal((await t.admin.listModels()).total, 1, 'admins see everything');
    const datasets = await bob.listDatasets({ q: 'iri' });
    assert.deepEqual(
      datasets.items.map((d) => d.fullName),
      ['alice/iris'],
    );
    assert.equal((await alice.listDatasets({ limit: 1, page: 2 })).items.length, 0);
    for (const bad of ['limit=101', 'sort=size', 'visibility=secret', 'page=0', 'colour=red']) {
      const r = await http(t, 'GET', `/api/v1/models?${bad}`, { token: aliceToken });
      assert.equal(r.status, 400, bad);
      assert.match(r.headers.get('content-type') ?? '', /^application\/problem\+json/);
    }
    const page = await http(t, 'GET', '/api/v1/models/alice/iris-lr', { token: aliceToken });
    assert.equal(page.json.publishedVersion, null);
    assert.equal(page.json.likes, 0);
    assert.equal(page.json.card.generated, true);
  });

  test('a trained version keeps training rows as its example, and gets a draft card', async () => {
    const [v] = await alice.listVersions('alice/iris-lr');
    assert.equal(v?.example.source, 'training-data');
    assert.equal(v?.example.instances?.length, 3);
    assert.deepEqual(Object.keys(v?.example.instances?.[0] ?? {}).sort(), [
      'petal_length',
      'petal_width',
      'sepal_length',
      'sepal_width',
    ]);
    const card = await alice.getCard('alice/iris-lr');
    assert.equal(card.generated, true);
    assert.equal(card.metadata.task, 'classification');
    assert.deepEqual(card.metadata.datasets, ['alice/iris']);
    assert.match(card.markdown, /## Training data\n\nVersion 1 was trained by Marquee on dataset `alice\/iris@1`/);
    assert.match(card.markdown, /Learner `logistic-regression`/);
    assert.match(card.markdown, /\| accuracy \| 0\.\d+ \|/);
    assert.match(card.markdown, /## Limitations\n\n_To be written by the publisher._/);
  });

  test('a malformed front matter names its line; an unknown licence lists the accepted ids', async () => {
    const yaml = await http(t, 'PUT', '/api/v1/models/alice/iris-lr/card', {
      token: aliceToken,
      json: { markdown: '---\nlicense: mit\ntags: [a\n  b: c\n---\n# x\n' },
    });
    assert.equal(yaml.status, 400);
    assert.match(yaml.json.detail, /line \d/);
    assert.equal(typeof yaml.json.line, 'number');
    const license = await http(t, 'PUT', '/api/v1/models/alice/iris-lr/card', {
      token: aliceToken,
      json: { markdown: '---\nlicense: my-own-licence\n---\n# x\n' },
    });
    assert.equal(license.status, 400);
    assert.equal(license.json.line, 2);
    assert.ok(license.json.accepted.includes('Apache-2.0') && license.json.accepted.includes('MIT'));
    const metric = await http(t, 'PUT', '/api/v1/models/alice/iris-lr/card', {
      token: aliceToken,
      json: { markdown: '---\nmetrics:\n  accuracy: high\n---\n' },
    });
    assert.equal(metric.status, 400);
    assert.match(metric.json.detail, /accuracy must be a number/);
    const stranger = await http(t, 'PUT', '/api/v1/models/alice/iris-lr/card', {
      token: (await t.admin.createToken({ name: 'x', scopes: ['read'] })).token,
      json: { markdown: '# x' },
    });
    assert.equal(stranger.status, 403, 'a read-only token cannot write');
    assert.equal((await alice.getCard('alice/iris-lr')).generated, true, 'nothing was stored');
  });

  test('card HTML never carries script or event handlers', async () => {
    await alice.putCard(
      'alice/iris-lr',
      '# x\n\n<script>alert(1)</script> <img src=x onerror="alert(2)"> [go](javascript:alert(3))\n',
    );
    const card = await alice.getCard('alice/iris-lr');
    assert.equal(card.generated, false);
    assert.doesNotMatch(card.html, /<script|<img|href="javascript:/i);
    assert.doesNotMatch(card.html, /<[^>]*\son\w+=/i, 'no tag carries an event handler');
    assert.match(card.html, /&lt;script&gt;/);
  });

  test('the quality gate fails an incomplete card and an inflated claim, with every reason, and lists nothing', async () => {
    await alice.putCard('alice/iris-lr', '# Iris\n\n## Intended use\n\n_To be written by the publisher._\n');
    const first = reportOf(await finished(alice, await alice.publish('alice/iris-lr', 1)));
    assert.equal(first.passed, false);
    for (const name of ['card.intendeduse', 'card.limitations', 'card.trainingdata', 'card.license'])
      assert.ok(failed(first).includes(name), `${name} in ${failed(first)}`);
    assert.ok(first.checks.find((c) => c.name === 'smoke.example')?.passed, 'the example answered');
    assert.ok((first.smoke?.latency.batch1?.p50Ms ?? -1) > 0);
    assert.ok((first.smoke?.latency.batch32?.runs ?? 0) >= 5);

    await alice.putCard(
      'alice/iris-lr',
      COMPLETE_CARD(`metrics:\n  accuracy: ${Math.min(1, accuracy + 0.05).toFixed(3)}`),
    );
    const inflated = reportOf(await finished(alice, await alice.publish('alice/iris-lr', 1)));
    if (accuracy < 0.95) assert.deepEqual(failed(inflated), ['claim.accuracy']);
    const claimCard = COMPLETE_CARD('metrics:\n  - name: rmse\n    value: 0.1');
    await alice.putCard('alice/iris-lr', claimCard);
    const unmeasured = reportOf(await finished(alice, await alice.publish('alice/iris-lr', 1)));
    assert.deepEqual(failed(unmeasured), ['claim.rmse'], 'a claim the platform did not measure fails');
    assert.equal((await alice.search({ q: 'iris' })).total, 0);
    const v = (await alice.listVersions('alice/iris-lr'))[0];
    assert.equal(v?.verification?.passed, false, 'the last report is kept on the version');
  });

  test('an honest card passes: verified listing, searchable (Chinese too), facets, sorts', async () => {
    await alice.updateModel('alice/iris-lr', {
      visibility: 'public',
      description: 'Iris species from four measurements',
    });
    await alice.putCard('alice/iris-lr', COMPLETE_CARD(`metrics:\n  accuracy: ${(accuracy - 0.005).toFixed(4)}`));
    const report = reportOf(await finished(alice, await alice.publish('alice/iris-lr', 1)));
    assert.deepEqual(failed(report), []);
    assert.equal(report.passed, true);
    assert.equal(report.metrics.accuracy, accuracy);
    const model = await bob.getModel('alice/iris-lr');
    assert.equal(model.publishedVersion, 1);
    assert.equal(model.verified, true);
    assert.equal(model.license, 'MIT', "the card's licence became the model's");
    const found = await bob.search({ q: 'iris' });
    assert.equal(found.total, 1);
    assert.equal(found.items[0]?.model, 'alice/iris-lr');
    assert.equal(found.items[0]?.verified, true);
    assert.equal(found.items[0]?.metrics.accuracy, accuracy);
    assert.equal((await bob.search({ q: '情感' })).total, 1, 'a Chinese query finds 情感分析');
    assert.equal((await bob.search({ q: '分情' })).total, 0);
    assert.equal((await bob.search({ q: 'teaching classifier' })).total, 1, 'the card text is searched');
    assert.equal((await bob.search({ q: 'teaching nothere' })).total, 0, 'every word must match');
    assert.deepEqual(found.facets.license, [{ value: 'MIT', count: 1 }]);
    assert.deepEqual(found.facets.task, [{ value: 'classification', count: 1 }]);
    assert.ok(found.facets.tag.some((f) => f.value === '情感分析' && f.count === 1));
    assert.equal((await bob.search({ tag: 'flowers' })).total, 1);
    assert.equal((await bob.search({ tag: 'cars' })).total, 0);
    assert.equal((await bob.search({ license: 'Apache-2.0' })).total, 0);
    assert.equal((await bob.search({ sort: 'metric:accuracy' })).items.length, 1);
    for (const bad of ['sort=best', 'limit=0', 'page=-1', 'q=' + 'x'.repeat(201), 'colour=red']) {
      const r = await http(t, 'GET', `/api/v1/market/search?${bad}`);
      assert.equal(r.status, 400, bad);
    }
    const anonymous = await http(t, 'GET', '/api/v1/market/search?q=iris');
    assert.equal(anonymous.json.total, 1, 'public listings are searchable without a token');
  });

  test('a private model disappears from search for others; an exact name ranks first', async () => {
    await alice.updateModel('alice/iris-lr', { visibility: 'private' });
    assert.equal((await bob.search({ q: 'iris' })).total, 0);
    assert.equal((await http(t, 'GET', '/api/v1/market/search?q=iris')).json.total, 0);
    assert.equal((await alice.search({ q: 'iris' })).total, 1);
    await alice.updateModel('alice/iris-lr', { visibility: 'public' });
    assert.equal((await bob.search({ q: 'iris' })).total, 1);
  });

  test('an uploaded ONNX version is evaluated on the dataset its publisher names', async () => {
    const onnx = await alice.downloadArtifact('alice/iris-lr', 1, 'onnx');
    await alice.createModel({
      owner: 'alice',
      name: 'iris-onnx',
      task: 'classification',
      visibility: 'public',
      description: 'iris as ONNX',
    });
    await alice.uploadVersion('alice/iris-onnx', onnx);
    const v = (await alice.listVersions('alice/iris-onnx'))[0];
    assert.equal(v?.example.source, 'signature');
    await alice.putCard('alice/iris-onnx', COMPLETE_CARD(''));
    const none = reportOf(await finished(alice, await alice.publish('alice/iris-onnx', 1)));
    assert.ok(failed(none).includes('metrics.measured'));
    const bad = await http(t, 'POST', '/api/v1/models/alice/iris-onnx/publish', {
      token: aliceToken,
      json: { version: 1, evaluation: { dataset: 'alice/iris@1', target: 'species' } },
    });
    assert.equal(bad.status, 400);
    assert.match(bad.json.detail, /no column "species"/);
    const report = reportOf(
      await finished(alice, await alice.publish('alice/iris-onnx', 1, { dataset: 'alice/iris@1', target: 'target' })),
    );
    assert.deepEqual(failed(report), []);
    assert.match(report.metricsSource ?? '', /150 rows of alice\/iris@1/);
    assert.ok((report.metrics.accuracy as number) > 0.9);
    await alice.unpublish('alice/iris-onnx');
    assert.equal((await bob.search({ q: 'onnx' })).total, 0);
    await assert.rejects(alice.unpublish('alice/iris-onnx'), (e: MarqueeApiError) => e.status === 404);
  });

  test('only the owner publishes; hidden models answer 404', async () => {
    await assert.rejects(bob.publish('alice/iris-lr', 1), (e: MarqueeApiError) => e.status === 403);
    await assert.rejects(alice.publish('alice/iris-lr', 9), (e: MarqueeApiError) => e.status === 404);
    await alice.createModel({ owner: 'alice', name: 'secret', task: 'other' });
    await assert.rejects(bob.publish('alice/secret', 1), (e: MarqueeApiError) => e.status === 404);
    await assert.rejects(bob.like('alice/secret'), (e: MarqueeApiError) => e.status === 404);
    await assert.rejects(bob.getCard('alice/secret'), (e: MarqueeApiError) => e.status === 404);
  });

  test('likes (one per user), downloads and predictions per day, and trending', async () => {
    assert.deepEqual(await bob.like('alice/iris-lr'), { likes: 1, liked: true });
    assert.deepEqual(await bob.like('alice/iris-lr'), { likes: 1, liked: true }, 'a second like counts once');
    assert.deepEqual(await alice.like('alice/iris-lr'), { likes: 2, liked: true });
    assert.deepEqual(await alice.unlike('alice/iris-lr'), { likes: 1, liked: false });
    await bob.downloadArtifact('alice/iris-lr', 1, 'onnx');
    for (let i = 0; i < 3; i++)
      await bob.predict('alice/iris-lr', [{ sepal_length: 5, sepal_width: 3, petal_length: 1.5, petal_width: 0.2 }]);
    let model = await bob.getModel('alice/iris-lr');
    const deadline = Date.now() + 15_000;
    while ((model.usage?.predictions ?? 0) < 3 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      model = await bob.getModel('alice/iris-lr');
    }
    assert.equal(model.likes, 1);
    assert.equal(model.liked, true);
    assert.ok((model.downloads ?? 0) >= 2, `downloads ${model.downloads}`);
    assert.ok((model.usage?.predictions ?? 0) >= 3);
    const today = new Date().toISOString().slice(0, 10);
    assert.equal(model.usage?.last30Days.at(-1)?.day, today);
    assert.ok((model.trending ?? 0) > 3, `trending ${model.trending}`);
    const listed = (await bob.search({ sort: 'likes' })).items[0];
    assert.equal(listed?.likes, 1);
    assert.ok((listed?.trending ?? 0) > 0);
  });

  test('snippets run as they are: curl, TypeScript and Python answer what OIP answers', async () => {
    const s = await bob.snippets('alice/iris-lr');
    assert.equal(s.version, 1);
    const expected = await bob.oip.infer('alice/iris-lr', s.request.inputs as never);
    const labels = JSON.stringify(expected.outputs.find((o) => o.name === 'label_name')?.data);
    const env = { ...process.env, MARQUEE_TOKEN: aliceToken };
    const curl = await run('sh', ['-c', s.curl], { env });
    assert.equal(
      JSON.stringify(JSON.parse(curl.stdout).outputs.find((o: { name: string }) => o.name === 'label_name').data),
      labels,
    );
    const dir = fs.mkdtempSync(path.join(REPO, 'test', '.snippet-'));
    try {
      const ts = path.join(dir, 'snippet.mts');
      fs.writeFileSync(ts, s.typescript);
      const tsOut = await run(process.execPath, ['--import', 'tsx', ts], { env, cwd: REPO });
      const outputs = JSON.parse(tsOut.stdout) as Array<{ name: string; data: unknown }>;
      assert.equal(JSON.stringify(outputs.find((o) => o.name === 'label_name')?.data), labels);
      const py = path.join(dir, 'snippet.py');
      fs.writeFileSync(py, s.python);
      const pyOut = await run('/usr/bin/python3', [py], { env });
      const pyOutputs = JSON.parse(pyOut.stdout) as Array<{ name: string; data: unknown }>;
      assert.equal(JSON.stringify(pyOutputs.find((o) => o.name === 'label_name')?.data), labels);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    assert.match(s.cli, /^npx marquee predict alice\/iris-lr --version 1 --records '\[/);
  });
});
