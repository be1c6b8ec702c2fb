import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { logisticRegressionModel } from '../fixtures/onnx-models.ts';
import { grpcCall, grpcClient, http, startTestServer, type TestServer } from '../harness/test-server.ts';

/** Windows are whole minutes: start a sequence well inside one. */
async function awayFromMinuteEdge(): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < 10_000) await new Promise((r) => setTimeout(r, left + 200));
}

describe('rate limits: per token (per address when anonymous), predictions apart from the rest', () => {
  let t: TestServer;
  let a: string;
  let b: string;
  let p: string;
  const input = [{ name: 'input-0', datatype: 'FP32', shape: [1, 20], data: new Array(20).fill(0.2) }];

  before(async () => {
    t = await startTestServer({ rateLimitApi: 5, rateLimitPredict: 3 });
    const admin = t.client(t.adminToken);
    await admin.createModel({ owner: 'admin', name: 'lr', task: 'classification', visibility: 'public' });
    await admin.uploadVersion('admin/lr', logisticRegressionModel().bytes);
    const make = async (name: string, scopes: Array<'read' | 'predict'>) =>
      (await t.admin.createToken({ name, scopes })).token;
    a = await make('a', ['read']);
    b = await make('b', ['read']);
    p = await make('p', ['read', 'predict']);
  });
  after(() => t.close());

  test('over the API limit: 429 problem+json with Retry-After and RateLimit headers; each token its own budget', async () => {
    await awayFromMinuteEdge();
    const seen: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await http(t, 'GET', '/api/v1/models', { token: a });
      assert.equal(r.status, 200, `call ${i + 1}`);
      assert.equal(r.headers.get('ratelimit-policy'), '"api";q=5;w=60');
      seen.push(r.headers.get('ratelimit') ?? '');
    }
    assert.deepEqual(
      seen.map((h) => /r=(\d+)/.exec(h)?.[1]),
      ['4', '3', '2', '1', '0'],
    );
    const over = await http(t, 'GET', '/api/v1/models', { token: a });
    assert.equal(over.status, 429);
    assert.match(over.headers.get('content-type') ?? '', /problem\+json/);
    assert.match(over.json.detail, /5 API calls a minute per token/);
    const retry = Number(over.headers.get('retry-after'));
    assert.ok(retry >= 1 && retry <= 60, `Retry-After ${retry}`);
    assert.match(over.headers.get('ratelimit') ?? '', /^"api";r=0;t=\d+$/);
    assert.equal((await http(t, 'GET', '/api/v1/models', { token: b })).status, 200, 'another token is not slowed');
    assert.equal((await http(t, 'GET', '/healthz')).status, 200, 'operations endpoints are not the API');
  });

  test('anonymous calls count per address', async () => {
    await awayFromMinuteEdge();
    let last = 0;
    for (let i = 0; i < 6; i++) last = (await http(t, 'GET', '/api/v1/market/search')).status;
    assert.equal(last, 429);
  });

  test('predictions: one budget over OIP REST, /predict and gRPC; RESOURCE_EXHAUSTED over gRPC', async () => {
    await awayFromMinuteEdge();
    const rest = await http(t, 'POST', '/v2/models/admin.lr/infer', { token: p, json: { inputs: input } });
    assert.equal(rest.status, 200, rest.text);
    const records = await http(t, 'POST', '/api/v1/models/admin/lr/predict', {
      token: p,
      json: { inputs: input },
    });
    assert.notEqual(records.status, 429);
    const client = grpcClient(t.grpcPort);
    try {
      const raw = new Float32Array(20).fill(0.2);
      const request = {
        model_name: 'admin.lr',
        inputs: [{ name: 'input-0', datatype: 'FP32', shape: [1, 20] }],
        raw_input_contents: [Buffer.from(raw.buffer)],
      };
      await grpcCall(client, 'ModelInfer', request, p);
      await assert.rejects(grpcCall(client, 'ModelInfer', request, p), (err: grpc.ServiceError) => {
        assert.equal(err.code, grpc.status.RESOURCE_EXHAUSTED);
        assert.match(err.details, /3 predictions a minute per token/);
        return true;
      });
    } finally {
      client.close();
    }
    const over = await http(t, 'POST', '/v2/models/admin.lr/infer', { token: p, json: { inputs: input } });
    assert.equal(over.status, 429);
    assert.match(over.json.error, /rate limit/);
    assert.ok(Number(over.headers.get('retry-after')) >= 1);
    assert.equal(over.headers.get('ratelimit-policy'), '"predict";q=3;w=60');
    // The API budget is apart: the same token still reads.
    assert.equal((await http(t, 'GET', '/api/v1/models/admin/lr', { token: p })).status, 200);
  });
});
