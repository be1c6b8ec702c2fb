import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { MarqueeApiError } from '@marquee/client';
import { fixedShapeModel, logisticRegressionModel, rowSumModel } from '../fixtures/onnx-models.ts';
import { sample } from '../harness/prometheus.ts';
import { http, startTestServer, type TestServer } from '../harness/test-server.ts';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function blobFiles(dataDir: string): string[] {
  const root = path.join(dataDir, 'blobs', 'sha256');
  if (!fs.existsSync(root)) return [];
  return fs.readdirSync(root).flatMap((d) => fs.readdirSync(path.join(root, d)));
}

describe('model registry', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ maxModelBytes: 64 * 1024 });
  });
  after(() => t.close());

  test('create a model with its metadata; duplicates and bad names are refused', async () => {
    const m = await t.admin.createModel({
      owner: 'admin',
      name: 'churn',
      task: 'classification',
      visibility: 'public',
      description: 'Who will leave next month',
      tags: ['games', 'churn'],
      license: 'apache-2.0',
    });
    assert.equal(m.fullName, 'admin/churn');
    assert.deepEqual(m.tags, ['games', 'churn']);
    assert.equal(m.latestVersion, null);
    await assert.rejects(
      t.admin.createModel({ owner: 'admin', name: 'churn', task: 'classification' }),
      (e: MarqueeApiError) => e.status === 409,
    );
    const bad = await http(t, 'POST', '/api/v1/models', {
      token: t.adminToken,
      json: { owner: 'admin', name: 'Has Spaces', task: 'classification' },
    });
    assert.equal(bad.status, 400);
    assert.match(bad.headers.get('content-type') ?? '', /problem\+json/);
    const badTask = await http(t, 'POST', '/api/v1/models', {
      token: t.adminToken,
      json: { owner: 'admin', name: 'x', task: 'astrology' },
    });
    assert.equal(badTask.status, 400);
    const noOwner = await http(t, 'POST', '/api/v1/models', {
      token: t.adminToken,
      json: { owner: 'ghost', name: 'x', task: 'other' },
    });
    assert.equal(noOwner.status, 404);
    const patched = await t.admin.updateModel('admin/churn', { description: 'Churn risk' });
    assert.equal(patched.description, 'Churn risk');
  });

  test('upload an ONNX version: sha256, size and signature read from the graph', async () => {
    const { bytes } = logisticRegressionModel();
    const v = await t.admin.uploadVersion('admin/churn', bytes);
    assert.equal(v.version, 1);
    assert.equal(v.sha256, sha256(bytes));
    assert.equal(v.sizeBytes, bytes.length);
    assert.deepEqual(v.signature, {
      inputs: [{ name: 'input-0', datatype: 'FP32', shape: [-1, 20] }],
      outputs: [
        { name: 'label', datatype: 'INT64', shape: [-1] },
        { name: 'probabilities', datatype: 'FP32', shape: [-1, 2] },
      ],
    });
    const stored = fs.readFileSync(path.join(t.dataDir, 'blobs', 'sha256', v.sha256.slice(0, 2), v.sha256));
    assert.equal(sha256(stored), v.sha256);
    const v2 = await t.admin.uploadVersion('admin/churn', fixedShapeModel());
    assert.equal(v2.version, 2);
    assert.deepEqual(
      (await t.admin.listVersions('admin/churn')).map((x) => x.version),
      [1, 2],
    );
    assert.equal((await t.admin.getVersion('admin/churn', 1)).sha256, v.sha256);
    assert.equal((await t.admin.getModel('admin/churn')).latestVersion, 2);
    await assert.rejects(t.admin.getVersion('admin/churn', 9), (e: MarqueeApiError) => e.status === 404);
  });

  test('a file that is not a valid ONNX model is a 400 and nothing is stored', async () => {
    const before = blobFiles(t.dataDir).length;
    const junk = [
      new TextEncoder().encode('this is not a model'),
      new Uint8Array(0),
      new Uint8Array([0x08, 0x07]), // ir_version only: no graph
      rowSumModel().subarray(0, 60), // truncated
    ];
    for (const body of junk) {
      const res = await http(t, 'POST', '/api/v1/models/admin/churn/versions', {
        token: t.adminToken,
        body,
        headers: { 'content-type': 'application/octet-stream' },
      });
      assert.equal(res.status, 400, `body of ${body.length} bytes`);
      assert.match(res.headers.get('content-type') ?? '', /problem\+json/);
      assert.match(res.json.detail, /not a valid ONNX model/);
    }
    assert.equal(blobFiles(t.dataDir).length, before);
    assert.equal(fs.readdirSync(path.join(t.dataDir, 'blobs', 'tmp')).length, 0);
    assert.equal((await t.admin.getModel('admin/churn')).latestVersion, 2);
  });

  test('uploads over the size limit get 413 and leave nothing behind; wrong media type 415', async () => {
    const big = new Uint8Array(65 * 1024);
    const res = await http(t, 'POST', '/api/v1/models/admin/churn/versions', {
      token: t.adminToken,
      body: big,
      headers: { 'content-type': 'application/octet-stream' },
    });
    assert.equal(res.status, 413);
    assert.equal(fs.readdirSync(path.join(t.dataDir, 'blobs', 'tmp')).length, 0);
    const json = await http(t, 'POST', '/api/v1/models/admin/churn/versions', {
      token: t.adminToken,
      body: 'x',
      headers: { 'content-type': 'text/plain' },
    });
    assert.equal(json.status, 415);
  });

  test('download the artifact byte for byte', async () => {
    const got = await t.admin.downloadArtifact('admin/churn', 1);
    assert.equal(sha256(got), sha256(logisticRegressionModel().bytes));
    const res = await http(t, 'GET', '/api/v1/models/admin/churn/versions/1/artifact?format=native', {
      token: t.adminToken,
    });
    assert.equal(res.status, 400);
  });

  test('aliases point at versions; OIP uses champion, else the latest', async () => {
    const meta = await t.admin.oip.modelMetadata('admin/churn');
    assert.deepEqual(meta.versions, ['1', '2']);
    assert.equal(meta.inputs[0]?.name, 'x', 'latest (v2) without a champion');
    const m = await t.admin.setAlias('admin/churn', 'champion', 1);
    assert.deepEqual(m.aliases, { champion: 1 });
    assert.equal((await t.admin.oip.modelMetadata('admin/churn')).inputs[0]?.name, 'input-0');
    assert.equal((await t.admin.oip.modelMetadata('admin/churn', 2)).inputs[0]?.name, 'x');
    await t.admin.setAlias('admin/churn', 'challenger', 2);
    assert.equal((await t.admin.oip.modelMetadata('admin/churn', 'challenger')).inputs[0]?.name, 'x');
    await assert.rejects(t.admin.setAlias('admin/churn', 'champion', 7), (e: MarqueeApiError) => e.status === 400);
    await assert.rejects(t.admin.setAlias('admin/churn', 'Bad Alias', 1), (e: MarqueeApiError) => e.status === 400);
    await t.admin.deleteAlias('admin/churn', 'champion');
    assert.equal((await t.admin.oip.modelMetadata('admin/churn')).inputs[0]?.name, 'x');
    await assert.rejects(t.admin.deleteAlias('admin/churn', 'champion'), (e: MarqueeApiError) => e.status === 404);
  });

  test('after a restart, models, versions, aliases and blobs are still there', async () => {
    await t.admin.setAlias('admin/churn', 'champion', 1);
    await t.restart();
    const m = await t.admin.getModel('admin/churn');
    assert.equal(m.latestVersion, 2);
    assert.deepEqual(m.aliases, { challenger: 2, champion: 1 });
    const res = await t.admin.oip.infer('admin/churn', [
      { name: 'input-0', datatype: 'FP32', shape: [1, 20], data: new Array(20).fill(0) },
    ]);
    assert.equal(res.model_version, '1');
    assert.equal(res.outputs.length, 2);
  });

  test('deleting a model removes its versions and unused blobs', async () => {
    await t.admin.createModel({ owner: 'admin', name: 'doomed', task: 'other' });
    const v = await t.admin.uploadVersion('admin/doomed', rowSumModel());
    await t.admin.oip.infer('admin/doomed', [{ name: 'x', datatype: 'FP32', shape: [1, 4], data: [1, 2, 3, 4] }]);
    const memory = async () =>
      sample((await http(t, 'GET', '/metrics', { token: t.adminToken })).text, 'marquee_model_memory_bytes', {
        model: 'admin/doomed',
      });
    assert.ok(((await memory()) as number) > 0, 'loaded');
    await t.admin.deleteModel('admin/doomed');
    // Its session is unloaded with it.
    for (let i = 0; i < 20 && (await memory()) !== undefined; i++) await new Promise((r) => setTimeout(r, 25));
    assert.equal(await memory(), undefined);
    await assert.rejects(t.admin.getModel('admin/doomed'), (e: MarqueeApiError) => e.status === 404);
    assert.ok(!blobFiles(t.dataDir).includes(v.sha256));
    await assert.rejects(
      t.admin.oip.infer('admin/doomed', [{ name: 'x', datatype: 'FP32', shape: [1, 4], data: [1, 2, 3, 4] }]),
      (e: MarqueeApiError) => e.status === 404,
    );
  });
});
