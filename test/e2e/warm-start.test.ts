import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { rowSumModel } from '../fixtures/onnx-models.ts';
import { pushModel } from '../harness/models.ts';
import { http, startTestServer, type TestServer } from '../harness/test-server.ts';

/** Whether /metrics says this version is loaded (its memory gauge is there). */
async function loaded(t: TestServer, model: string, version: number): Promise<boolean> {
  const text = (await http(t, 'GET', '/metrics', { token: t.adminToken })).text;
  return text.includes(`marquee_model_memory_bytes{model="${model}",version="${version}"}`);
}

describe('warm start: a model is loaded when its upload answers, and again before a restarted server listens', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.close());

  test('the upload leaves the new version loaded (the runtime its check loaded), before any request', async () => {
    await pushModel(t.admin, 'admin/warm', rowSumModel());
    assert.equal(await loaded(t, 'admin/warm', 1), true);
    const out = await t.admin.oip.infer('admin/warm', [
      { name: 'x', datatype: 'FP32', shape: [1, 4], data: [1, 2, 3, 4] },
    ]);
    assert.deepEqual(out.outputs[0]?.data, [10]);
  });

  test('a restarted server loads what was loaded before it listens; a model deleted since does not stop it', async () => {
    await pushModel(t.admin, 'admin/gone', rowSumModel());
    await t.restart();
    const saved = JSON.parse(fs.readFileSync(path.join(t.dataDir, 'warm-models.json'), 'utf8')) as Array<{
      fullName: string;
    }>;
    assert.deepEqual(saved.map((v) => v.fullName).sort(), ['admin/gone', 'admin/warm']);
    assert.equal(await loaded(t, 'admin/warm', 1), true, 'loaded before the first request');
    assert.equal(await loaded(t, 'admin/gone', 1), true);
    await t.admin.deleteModel('admin/gone');
    await t.restart();
    assert.equal(await loaded(t, 'admin/warm', 1), true);
    assert.equal(await loaded(t, 'admin/gone', 1), false, 'its blob went with it: not loaded, and no failure');
    const out = await t.admin.oip.infer('admin/warm', [
      { name: 'x', datatype: 'FP32', shape: [1, 4], data: [4, 3, 2, 1] },
    ]);
    assert.deepEqual(out.outputs[0]?.data, [10]);
  });
});
