import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fixedShapeModel, rowSumModel } from '../fixtures/onnx-models.ts';
import { pushModel } from '../harness/models.ts';
import { sample } from '../harness/prometheus.ts';
import { grpcCall, grpcClient, http, startTestServer, type TestServer } from '../harness/test-server.ts';

describe('dynamic batching under REST and gRPC, and /metrics', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ maxBatchSize: 64, maxBatchDelayMs: 25 });
    await pushModel(t.admin, 'admin/rowsum', rowSumModel());
    await pushModel(t.admin, 'admin/fixed', fixedShapeModel());
  });
  after(() => t.close());

  const metrics = async () => (await http(t, 'GET', '/metrics', { token: t.adminToken })).text;

  test('concurrent requests from both protocols share runs, and each gets exactly its rows', async () => {
    const g = grpcClient(t.grpcPort);
    const jobs: Array<Promise<{ got: number[]; want: number[] }>> = [];
    for (let i = 0; i < 40; i++) {
      const rows = 1 + (i % 3);
      const x = Array.from({ length: rows * 4 }, (_, k) => i * 100 + k);
      const want = Array.from({ length: rows }, (_, r) => x.slice(r * 4, r * 4 + 4).reduce((a, b) => a + b, 0));
      if (i % 2 === 0) {
        jobs.push(
          t.admin.oip
            .infer('admin/rowsum', [{ name: 'x', datatype: 'FP32', shape: [rows, 4], data: x }])
            .then((r) => ({ got: r.outputs[0]?.data as number[], want })),
        );
      } else {
        jobs.push(
          grpcCall(
            g,
            'ModelInfer',
            {
              model_name: 'admin.rowsum',
              inputs: [{ name: 'x', datatype: 'FP32', shape: [rows, 4], contents: { fp32_contents: x } }],
            },
            t.adminToken,
          ).then((r) => {
            const raw = r.raw_output_contents[0] as Buffer;
            assert.deepEqual(r.outputs[0].shape.map(Number), [rows]);
            return { got: Array.from({ length: raw.length / 4 }, (_, k) => raw.readFloatLE(k * 4)), want };
          }),
        );
      }
    }
    for (const { got, want } of await Promise.all(jobs)) assert.deepEqual(got, want);
    g.close();

    const m = await metrics();
    const labels = { model: 'admin/rowsum', version: '1' };
    const runs = sample(m, 'marquee_batch_requests_count', labels) as number;
    const requests = sample(m, 'marquee_batch_requests_sum', labels) as number;
    const rows = sample(m, 'marquee_batch_size_rows_sum', labels) as number;
    assert.equal(requests, 40);
    assert.equal(
      rows,
      Array.from({ length: 40 }, (_, i) => 1 + (i % 3)).reduce((a, b) => a + b),
    );
    assert.ok(runs < 40, `40 requests were joined into ${runs} runs`);
    assert.ok((sample(m, 'marquee_queue_delay_seconds_count', labels) as number) === 40);
    assert.equal(
      sample(m, 'marquee_requests_total', { protocol: 'http', model: 'admin/rowsum', version: '1', status: '200' }),
      20,
    );
    assert.equal(
      sample(m, 'marquee_requests_total', { protocol: 'grpc', model: 'admin/rowsum', version: '1', status: 'OK' }),
      20,
    );
    assert.ok(
      (sample(m, 'marquee_request_duration_seconds_count', { protocol: 'http', model: 'admin/rowsum' }) as number) >=
        20,
    );
    assert.ok((sample(m, 'marquee_loaded_models') as number) >= 1);
    assert.ok((sample(m, 'marquee_model_memory_bytes', labels) as number) > 0);
  });

  test('a model whose first dimension is fixed is never batched', async () => {
    const jobs = Array.from({ length: 10 }, (_, i) =>
      t.admin.oip.infer('admin/fixed', [{ name: 'x', datatype: 'FP32', shape: [4, 3], data: new Array(12).fill(i) }]),
    );
    const res = await Promise.all(jobs);
    res.forEach((r, i) => {
      assert.deepEqual(r.outputs[0]?.shape, [4, 3]);
      assert.deepEqual(r.outputs[0]?.data, new Array(12).fill(2 * i));
    });
    const m = await metrics();
    const labels = { model: 'admin/fixed', version: '1' };
    assert.equal(sample(m, 'marquee_batch_requests_count', labels), 10);
    assert.equal(sample(m, 'marquee_batch_requests_sum', labels), 10);
  });

  test('errors are counted by status; request ids come back and can be given', async () => {
    const bad = await http(t, 'POST', '/v2/models/admin.rowsum/infer', {
      token: t.adminToken,
      json: { inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4], data: [1] }] },
      headers: { 'x-request-id': 'trace-123' },
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.headers.get('x-request-id'), 'trace-123');
    const m = await metrics();
    assert.ok(
      (sample(m, 'marquee_requests_total', {
        protocol: 'http',
        route: '/v2/models/:model/infer',
        status: '400',
      }) as number) >= 1,
    );
    const fresh = await http(t, 'GET', '/healthz');
    assert.match(fresh.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
  });
});
