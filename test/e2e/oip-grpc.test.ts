import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { bytesIdentityModel, identityModel, logisticRegressionModel, rowSumModel } from '../fixtures/onnx-models.ts';
import { pushModel } from '../harness/models.ts';
import {
  type GrpcInferenceClient,
  grpcCall,
  grpcClient,
  startTestServer,
  type TestServer,
} from '../harness/test-server.ts';

function rejectsWith(p: Promise<unknown>, code: grpc.status, pattern?: RegExp) {
  return assert.rejects(p, (e: grpc.ServiceError) => {
    assert.equal(e.code, code, `${grpc.status[e.code]}: ${e.details}`);
    if (pattern) assert.match(e.details, pattern);
    return true;
  });
}

/** Splits BYTES raw contents: 4-byte little-endian length, then the bytes. */
function splitBytes(buf: Buffer): string[] {
  const out: string[] = [];
  for (let pos = 0; pos < buf.length; ) {
    const n = buf.readUInt32LE(pos);
    out.push(buf.subarray(pos + 4, pos + 4 + n).toString('utf8'));
    pos += 4 + n;
  }
  return out;
}

describe('Open Inference Protocol v2 over gRPC', () => {
  let t: TestServer;
  let c: GrpcInferenceClient;
  let token: string;
  before(async () => {
    t = await startTestServer();
    token = t.adminToken;
    await pushModel(t.admin, 'admin/rowsum', rowSumModel());
    await pushModel(t.admin, 'admin/bytes', bytesIdentityModel());
    await pushModel(t.admin, 'admin/logreg', logisticRegressionModel().bytes);
    await pushModel(
      t.admin,
      'admin/types',
      identityModel(['INT8', 'UINT32', 'INT64', 'UINT64', 'FP64', 'BOOL', 'FP16']),
    );
    c = grpcClient(t.grpcPort);
  });
  after(async () => {
    c.close();
    await t.close();
  });

  test('ServerLive and ServerReady are open; ServerMetadata needs a token', async () => {
    assert.deepEqual(await grpcCall(c, 'ServerLive', {}), { live: true });
    assert.deepEqual(await grpcCall(c, 'ServerReady', {}), { ready: true });
    await rejectsWith(grpcCall(c, 'ServerMetadata', {}), grpc.status.UNAUTHENTICATED);
    await rejectsWith(grpcCall(c, 'ServerMetadata', {}, 'mq_wrong'), grpc.status.UNAUTHENTICATED);
    const meta = await grpcCall(c, 'ServerMetadata', {}, token);
    assert.equal(meta.name, 'marquee');
    assert.deepEqual(meta.extensions, ['binary_tensor_data']);
  });

  test('ModelMetadata and ModelReady', async () => {
    const meta = await grpcCall(c, 'ModelMetadata', { name: 'admin.logreg', version: '' }, token);
    assert.equal(meta.name, 'admin.logreg');
    assert.deepEqual(meta.versions, ['1']);
    assert.equal(meta.platform, 'onnx_onnxv1');
    assert.deepEqual(
      meta.inputs.map((i: { name: string; datatype: string; shape: string[] }) => [
        i.name,
        i.datatype,
        i.shape.map(Number),
      ]),
      [['input-0', 'FP32', [-1, 20]]],
    );
    assert.equal(meta.outputs.length, 2);
    assert.deepEqual(await grpcCall(c, 'ModelReady', { name: 'admin.logreg', version: '1' }, token), { ready: true });
    await rejectsWith(grpcCall(c, 'ModelMetadata', { name: 'admin.nope', version: '' }, token), grpc.status.NOT_FOUND);
    await rejectsWith(grpcCall(c, 'ModelReady', { name: 'admin.logreg', version: '5' }, token), grpc.status.NOT_FOUND);
  });

  test('ModelInfer with typed contents answers in raw_output_contents', async () => {
    const res = await grpcCall(
      c,
      'ModelInfer',
      {
        model_name: 'admin.rowsum',
        id: 'g1',
        inputs: [{ name: 'x', datatype: 'FP32', shape: [2, 4], contents: { fp32_contents: [1, 2, 3, 4, 5, 6, 7, 8] } }],
      },
      token,
    );
    assert.equal(res.model_name, 'admin.rowsum');
    assert.equal(res.model_version, '1');
    assert.equal(res.id, 'g1');
    assert.equal(res.outputs[0].name, 'y');
    assert.deepEqual(res.outputs[0].shape.map(Number), [2]);
    assert.equal(res.raw_output_contents.length, 1);
    const raw: Buffer = res.raw_output_contents[0];
    assert.deepEqual([raw.readFloatLE(0), raw.readFloatLE(4)], [10, 26]);
  });

  test('ModelInfer with raw_input_contents, many datatypes, and output selection', async () => {
    const raw = (arr: ArrayBufferView) => Buffer.from(arr.buffer, arr.byteOffset, arr.byteLength);
    const inputs = [
      ['in_int8', 'INT8', new Int8Array([-128, 127, 0, 5])],
      ['in_uint32', 'UINT32', new Uint32Array([0, 4294967295, 3, 4])],
      ['in_int64', 'INT64', new BigInt64Array([-(2n ** 62n), 2n ** 62n, 0n, -1n])],
      ['in_uint64', 'UINT64', new BigUint64Array([0n, 2n ** 64n - 1n, 7n, 8n])],
      ['in_fp64', 'FP64', new Float64Array([Math.PI, -1, 0, 1e300])],
      ['in_bool', 'BOOL', new Uint8Array([1, 0, 0, 1])],
      ['in_fp16', 'FP16', new Uint16Array([0x3c00, 0xc000, 0x3800, 0x7bff])],
    ] as const;
    const res = await grpcCall(
      c,
      'ModelInfer',
      {
        model_name: 'admin.types',
        model_version: '1',
        inputs: inputs.map(([name, datatype]) => ({ name, datatype, shape: [2, 2] })),
        outputs: [{ name: 'out_uint64' }, { name: 'out_int64' }, { name: 'out_fp16' }],
        raw_input_contents: inputs.map(([, , arr]) => raw(arr)),
      },
      token,
    );
    assert.deepEqual(
      res.outputs.map((o: { name: string }) => o.name),
      ['out_uint64', 'out_int64', 'out_fp16'],
    );
    assert.ok(Buffer.compare(res.raw_output_contents[0], raw(inputs[3][2])) === 0);
    assert.ok(Buffer.compare(res.raw_output_contents[1], raw(inputs[2][2])) === 0);
    assert.ok(Buffer.compare(res.raw_output_contents[2], raw(inputs[6][2])) === 0);

    // 64-bit integers through typed contents keep full precision.
    const typed = await grpcCall(
      c,
      'ModelInfer',
      {
        model_name: 'admin.types',
        inputs: [
          { name: 'in_int8', datatype: 'INT8', shape: [1, 2], contents: { int_contents: [-3, 4] } },
          { name: 'in_uint32', datatype: 'UINT32', shape: [1, 2], contents: { uint_contents: [1, 2] } },
          {
            name: 'in_int64',
            datatype: 'INT64',
            shape: [1, 2],
            contents: { int64_contents: ['-9223372036854775808', '9007199254740993'] },
          },
          {
            name: 'in_uint64',
            datatype: 'UINT64',
            shape: [1, 2],
            contents: { uint64_contents: ['18446744073709551615', '1'] },
          },
          { name: 'in_fp64', datatype: 'FP64', shape: [1, 2], contents: { fp64_contents: [0.1, 0.2] } },
          { name: 'in_bool', datatype: 'BOOL', shape: [1, 2], contents: { bool_contents: [true, false] } },
          { name: 'in_fp16', datatype: 'FP16', shape: [1, 2] },
        ],
        raw_input_contents: [],
        outputs: [{ name: 'out_int64' }],
      },
      token,
    ).catch((e) => e);
    // FP16 cannot come as typed contents.
    assert.equal(typed.code, grpc.status.INVALID_ARGUMENT);
    assert.match(typed.details, /FP16 must be sent in raw_input_contents/);
  });

  test('BYTES: typed bytes_contents in, length-prefixed raw output', async () => {
    const words = ['héllo', '', '中文'];
    const res = await grpcCall(
      c,
      'ModelInfer',
      {
        model_name: 'admin.bytes',
        inputs: [
          {
            name: 'text',
            datatype: 'BYTES',
            shape: [3],
            contents: { bytes_contents: words.map((w) => Buffer.from(w)) },
          },
        ],
      },
      token,
    );
    assert.equal(res.outputs[0].datatype, 'BYTES');
    assert.deepEqual(splitBytes(res.raw_output_contents[0]), words);
  });

  test('errors map to INVALID_ARGUMENT, NOT_FOUND, UNAUTHENTICATED', async () => {
    const x = { name: 'x', datatype: 'FP32', shape: [1, 4], contents: { fp32_contents: [1, 2, 3, 4] } };
    const infer = (req: object, tok: string | null = token) =>
      grpcCall(c, 'ModelInfer', { model_name: 'admin.rowsum', ...req }, tok ?? undefined);
    await rejectsWith(infer({ inputs: [x] }, null), grpc.status.UNAUTHENTICATED);
    await rejectsWith(infer({ model_name: 'admin.nope', inputs: [x] }), grpc.status.NOT_FOUND, /unknown model/);
    await rejectsWith(infer({ model_version: '3', inputs: [x] }), grpc.status.NOT_FOUND, /no version/);
    await rejectsWith(infer({ inputs: [{ ...x, name: 'q' }] }), grpc.status.INVALID_ARGUMENT, /missing input "x"/);
    await rejectsWith(infer({ inputs: [x, { ...x, name: 'q' }] }), grpc.status.INVALID_ARGUMENT, /unknown input "q"/);
    await rejectsWith(
      infer({ inputs: [x], outputs: [{ name: 'nope' }] }),
      grpc.status.INVALID_ARGUMENT,
      /unknown output/,
    );
    await rejectsWith(
      infer({ inputs: [{ ...x, datatype: 'FP64', contents: { fp64_contents: [1, 2, 3, 4] } }] }),
      grpc.status.INVALID_ARGUMENT,
      /datatype FP64/,
    );
    await rejectsWith(infer({ inputs: [{ ...x, shape: [4] }] }), grpc.status.INVALID_ARGUMENT, /rank 2/);
    await rejectsWith(infer({ inputs: [{ ...x, shape: [1, 3] }] }), grpc.status.INVALID_ARGUMENT);
    await rejectsWith(
      infer({ inputs: [{ ...x, contents: { fp32_contents: [1, 2] } }] }),
      grpc.status.INVALID_ARGUMENT,
      /2 elements in fp32_contents/,
    );
    await rejectsWith(
      infer({ inputs: [{ ...x, contents: { int_contents: [1, 2, 3, 4] } }] }),
      grpc.status.INVALID_ARGUMENT,
      /expected fp32_contents/,
    );
    await rejectsWith(
      infer({ inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4] }], raw_input_contents: [Buffer.alloc(12)] }),
      grpc.status.INVALID_ARGUMENT,
      /12 bytes of FP32 data/,
    );
    await rejectsWith(
      infer({
        inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4] }],
        raw_input_contents: [Buffer.alloc(16), Buffer.alloc(4)],
      }),
      grpc.status.INVALID_ARGUMENT,
      /2 entries for 1 inputs/,
    );
    const p = await t.admin.createToken({ name: 'ro', scopes: ['read'] });
    await rejectsWith(infer({ inputs: [x] }, p.token), grpc.status.PERMISSION_DENIED);
  });

  test('REST and gRPC give the same answer', async () => {
    const x = Array.from({ length: 40 }, (_, i) => Math.sin(i));
    const rest = await t.admin.oip.infer('admin/logreg', [
      { name: 'input-0', datatype: 'FP32', shape: [2, 20], data: x },
    ]);
    const g = await grpcCall(
      c,
      'ModelInfer',
      {
        model_name: 'admin.logreg',
        inputs: [{ name: 'input-0', datatype: 'FP32', shape: [2, 20], contents: { fp32_contents: x } }],
      },
      token,
    );
    const probs = g.raw_output_contents[1] as Buffer;
    const grpcProbs = [0, 1, 2, 3].map((i) => probs.readFloatLE(i * 4));
    assert.deepEqual(grpcProbs, rest.outputs[1]?.data);
    const labels = g.raw_output_contents[0] as Buffer;
    assert.deepEqual([Number(labels.readBigInt64LE(0)), Number(labels.readBigInt64LE(8))], rest.outputs[0]?.data);
  });
});
