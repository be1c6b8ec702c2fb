import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { MarqueeApiError, OipTensor } from '@marquee/client';
import { TENSOR_DATATYPES, type TensorDatatype } from '@marquee/engine';
import { bytesIdentityModel, identityModel, logisticRegressionModel, rowSumModel } from '../fixtures/onnx-models.ts';
import { pushModel } from '../harness/models.ts';
import { http, startTestServer, type TestServer } from '../harness/test-server.ts';

// Every datatype ONNX Runtime's Node binding takes, BYTES aside (it has its own model).
const NUMERIC = TENSOR_DATATYPES.filter((t) => t !== 'BYTES' && t !== 'BF16');

/** Two rows of two values per datatype, at the edges of each range. */
const SAMPLE: Record<string, unknown[]> = {
  BOOL: [true, false, false, true],
  UINT8: [0, 255, 7, 128],
  UINT16: [0, 65535, 300, 1],
  UINT32: [0, 4294967295, 70000, 1],
  UINT64: [0, 2 ** 53, 12345678901, 1],
  INT8: [-128, 127, 0, -1],
  INT16: [-32768, 32767, 0, -1],
  INT32: [-2147483648, 2147483647, 0, -1],
  INT64: [-(2 ** 53), 2 ** 53, 0, -1],
  FP32: [1.5, -2.25, 0, 3.0e38],
  FP64: [Math.PI, -Math.E, 1e-300, 1e300],
};

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

describe('Open Inference Protocol v2 over REST', () => {
  let t: TestServer;
  const lr = logisticRegressionModel();
  before(async () => {
    t = await startTestServer();
    await pushModel(t.admin, 'admin/rowsum', rowSumModel(), { task: 'regression' });
    await pushModel(t.admin, 'admin/bytes', bytesIdentityModel());
    await pushModel(t.admin, 'admin/types', identityModel(NUMERIC));
    await pushModel(t.admin, 'admin/logreg', lr.bytes, { task: 'classification' });
  });
  after(() => t.close());

  test('server metadata, health, model metadata and readiness', async () => {
    const meta = await t.admin.oip.serverMetadata();
    assert.equal(meta.name, 'marquee');
    assert.ok(meta.extensions.includes('binary_tensor_data'));
    assert.equal(await t.admin.oip.live(), true);
    assert.equal(await t.admin.oip.ready(), true);
    const m = await t.admin.oip.modelMetadata('admin.logreg');
    assert.equal(m.name, 'admin.logreg');
    assert.deepEqual(m.versions, ['1']);
    assert.equal(m.platform, 'onnx_onnxv1');
    assert.deepEqual(m.inputs, [{ name: 'input-0', datatype: 'FP32', shape: [-1, 20] }]);
    assert.equal(await t.admin.oip.modelReady('admin/logreg'), true);
    assert.equal(await t.admin.oip.modelReady('admin/logreg', 1), true);
    const ready = await http(t, 'GET', '/v2/models/admin.logreg/versions/1/ready', { token: t.adminToken });
    assert.deepEqual(ready.json, { name: 'admin.logreg', ready: true });
  });

  test('logistic regression answers what the closed form gives', async () => {
    const rows = 5;
    const x = Array.from({ length: rows * 20 }, (_, i) => ((i * 37) % 17) / 8 - 1);
    const res = await t.admin.oip.infer('admin/logreg', [
      { name: 'input-0', datatype: 'FP32', shape: [rows, 20], data: x },
    ]);
    const probs = res.outputs.find((o) => o.name === 'probabilities');
    const labels = res.outputs.find((o) => o.name === 'label');
    assert.deepEqual(probs?.shape, [rows, 2]);
    assert.equal(labels?.datatype, 'INT64');
    for (let r = 0; r < rows; r++) {
      let z = lr.intercept;
      for (let j = 0; j < 20; j++) z += (lr.coef[j] as number) * Math.fround(x[r * 20 + j] as number);
      const p = sigmoid(z);
      assert.ok(Math.abs(((probs!.data as number[])[r * 2 + 1] as number) - p) < 1e-5, `row ${r}`);
      assert.ok(Math.abs(((probs!.data as number[])[r * 2] as number) - (1 - p)) < 1e-5, `row ${r}`);
      assert.equal((labels!.data as number[])[r], p > 0.5 ? 1 : 0);
    }
  });

  test('every datatype round-trips as JSON, flat or nested', async () => {
    const inputs: OipTensor[] = Object.entries(SAMPLE).map(([dt, data]) => ({
      name: `in_${dt.toLowerCase()}`,
      datatype: dt as TensorDatatype,
      shape: [2, 2],
      data,
    }));
    // FP16 needs binary data: 1.0, -2.0, 0.5, 65504 as IEEE half bits.
    const half = new Uint16Array([0x3c00, 0xc000, 0x3800, 0x7bff]);
    const fp16 = { name: 'in_fp16', datatype: 'FP16' as const, shape: [2, 2], data: half };
    const jsonOnly = await http(t, 'POST', '/v2/models/admin.types/infer', {
      token: t.adminToken,
      json: { inputs: [...inputs, { ...fp16, data: [1, -2, 0.5, 65504] }] },
    });
    assert.equal(jsonOnly.status, 400);
    assert.match(jsonOnly.json.error, /FP16 data must be sent as binary/);

    const res = await t.admin.oip.infer('admin/types', [...inputs, fp16], { binary: true });
    for (const [dt, data] of Object.entries(SAMPLE)) {
      const out = res.outputs.find((o) => o.name === `out_${dt.toLowerCase()}`);
      assert.equal(out?.datatype, dt);
      assert.deepEqual(out?.shape, [2, 2]);
      const got = Array.from(out?.data as ArrayLike<number | bigint>, (v) => (typeof v === 'bigint' ? Number(v) : v));
      const want =
        dt === 'BOOL' ? data.map((b) => (b ? 1 : 0)) : dt === 'FP32' ? data.map((v) => Math.fround(v as number)) : data;
      assert.deepEqual(got, want, dt);
    }
    assert.deepEqual(Array.from(res.outputs.find((o) => o.name === 'out_fp16')?.data as Uint16Array), Array.from(half));

    // The same request with JSON outputs: 64-bit integers become numbers, BOOL booleans, FP16 numbers.
    const body = {
      inputs: inputs.map((i) => ({
        ...i,
        data: [[...(i.data as unknown[]).slice(0, 2)], [...(i.data as unknown[]).slice(2)]],
      })),
    };
    const blob = new Uint8Array(half.buffer);
    const header = JSON.stringify({
      inputs: [
        ...body.inputs,
        { name: 'in_fp16', datatype: 'FP16', shape: [2, 2], parameters: { binary_data_size: 8 } },
      ],
    });
    const mixed = await http(t, 'POST', '/v2/models/admin.types/infer', {
      token: t.adminToken,
      body: Buffer.concat([Buffer.from(header), blob]),
      headers: {
        'inference-header-content-length': String(Buffer.byteLength(header)),
        'content-type': 'application/octet-stream',
      },
    });
    assert.equal(mixed.status, 200, mixed.text);
    assert.equal(mixed.headers.get('inference-header-content-length'), null);
    const outs = mixed.json.outputs as Array<{ name: string; data: unknown[] }>;
    assert.deepEqual(outs.find((o) => o.name === 'out_bool')?.data, SAMPLE.BOOL);
    assert.deepEqual(outs.find((o) => o.name === 'out_int64')?.data, SAMPLE.INT64);
    assert.deepEqual(outs.find((o) => o.name === 'out_fp16')?.data, [1, -2, 0.5, 65504]);
  });

  test('BYTES in and out, as JSON strings and as length-prefixed binary', async () => {
    const words = ['héllo', '', 'ümlaut ✓', '中文'];
    const json = await t.admin.oip.infer('admin/bytes', [{ name: 'text', datatype: 'BYTES', shape: [4], data: words }]);
    assert.deepEqual(json.outputs[0]?.data, words);
    const bin = await t.admin.oip.infer('admin/bytes', [{ name: 'text', datatype: 'BYTES', shape: [4], data: words }], {
      binary: true,
    });
    assert.deepEqual(
      (bin.outputs[0]!.data as Uint8Array[]).map((b) => new TextDecoder().decode(b)),
      words,
    );
  });

  test('binary output alone: JSON in, binary_data_output, header length answered', async () => {
    const res = await http(t, 'POST', '/v2/models/admin.rowsum/infer', {
      token: t.adminToken,
      json: {
        id: 'req-7',
        inputs: [{ name: 'x', datatype: 'FP32', shape: [2, 4], data: [1, 2, 3, 4, 5, 6, 7, 8] }],
        parameters: { binary_data_output: true },
      },
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/octet-stream');
    const n = Number(res.headers.get('inference-header-content-length'));
    const head = JSON.parse(new TextDecoder().decode(res.bytes.subarray(0, n)));
    assert.equal(head.id, 'req-7');
    assert.equal(head.model_name, 'admin.rowsum');
    assert.equal(head.model_version, '1');
    assert.deepEqual(head.outputs[0].parameters, { binary_data_size: 8 });
    assert.equal(head.outputs[0].data, undefined);
    const ys = new Float32Array(res.bytes.slice(n).buffer);
    assert.deepEqual(Array.from(ys), [10, 26]);
  });

  test('id is echoed; outputs select what comes back; per-output binary_data', async () => {
    const x = new Array(20).fill(0.5);
    const res = await t.admin.oip.infer(
      'admin/logreg',
      [{ name: 'input-0', datatype: 'FP32', shape: [1, 20], data: x }],
      {
        id: 'abc',
        outputs: ['probabilities'],
      },
    );
    assert.equal(res.id, 'abc');
    assert.deepEqual(
      res.outputs.map((o) => o.name),
      ['probabilities'],
    );
    const perOutput = await http(t, 'POST', '/v2/models/admin.logreg/infer', {
      token: t.adminToken,
      json: {
        inputs: [{ name: 'input-0', datatype: 'FP32', shape: [1, 20], data: x }],
        outputs: [{ name: 'label' }, { name: 'probabilities', parameters: { binary_data: true } }],
      },
    });
    const n = Number(perOutput.headers.get('inference-header-content-length'));
    const head = JSON.parse(new TextDecoder().decode(perOutput.bytes.subarray(0, n)));
    assert.equal(head.outputs[0].name, 'label');
    assert.equal(head.outputs[0].data.length, 1);
    assert.equal(head.outputs[1].parameters.binary_data_size, 8);
    assert.equal(perOutput.bytes.length - n, 8);
  });

  test('explicit versions and aliases in the path', async () => {
    await t.admin.uploadVersion('admin/rowsum', rowSumModel());
    const input: OipTensor[] = [{ name: 'x', datatype: 'FP32', shape: [1, 4], data: [1, 1, 1, 1] }];
    assert.equal((await t.admin.oip.infer('admin/rowsum', input, { version: 1 })).model_version, '1');
    assert.equal((await t.admin.oip.infer('admin/rowsum', input)).model_version, '2');
    await t.admin.setAlias('admin/rowsum', 'champion', 1);
    assert.equal((await t.admin.oip.infer('admin/rowsum', input)).model_version, '1');
  });

  test('every malformed request gets {"error"} with 400, or 404 for unknown models and versions', async () => {
    const ok = { name: 'x', datatype: 'FP32', shape: [1, 4], data: [1, 2, 3, 4] };
    const cases: Array<
      [string, string, number, RegExp, { body?: string | Uint8Array; headers?: Record<string, string> }]
    > = [
      [
        'unknown model',
        '/v2/models/admin.nope/infer',
        404,
        /unknown model/,
        { body: JSON.stringify({ inputs: [ok] }) },
      ],
      [
        'no dot in the name',
        '/v2/models/nodot/infer',
        404,
        /unknown model/,
        { body: JSON.stringify({ inputs: [ok] }) },
      ],
      [
        'unknown version',
        '/v2/models/admin.rowsum/versions/9/infer',
        404,
        /no version/,
        { body: JSON.stringify({ inputs: [ok] }) },
      ],
      [
        'unknown input',
        '/v2/models/admin.rowsum/infer',
        400,
        /unknown input "y"/,
        { body: JSON.stringify({ inputs: [ok, { ...ok, name: 'y' }] }) },
      ],
      [
        'missing input',
        '/v2/models/admin.rowsum/infer',
        400,
        /missing input "x"/,
        { body: JSON.stringify({ inputs: [] }) },
      ],
      [
        'unknown output',
        '/v2/models/admin.rowsum/infer',
        400,
        /unknown output "z"/,
        { body: JSON.stringify({ inputs: [ok], outputs: [{ name: 'z' }] }) },
      ],
      [
        'wrong datatype',
        '/v2/models/admin.rowsum/infer',
        400,
        /datatype FP64; the model expects FP32/,
        { body: JSON.stringify({ inputs: [{ ...ok, datatype: 'FP64' }] }) },
      ],
      [
        'unknown datatype',
        '/v2/models/admin.rowsum/infer',
        400,
        /unknown datatype/,
        { body: JSON.stringify({ inputs: [{ ...ok, datatype: 'FLOAT' }] }) },
      ],
      [
        'wrong rank',
        '/v2/models/admin.rowsum/infer',
        400,
        /expects rank 2/,
        { body: JSON.stringify({ inputs: [{ ...ok, shape: [4] }] }) },
      ],
      [
        'wrong fixed dim',
        '/v2/models/admin.rowsum/infer',
        400,
        /expects \[-1, 4\]/,
        { body: JSON.stringify({ inputs: [{ ...ok, shape: [2, 2] }] }) },
      ],
      [
        'count vs shape',
        '/v2/models/admin.rowsum/infer',
        400,
        /3 data elements do not match its shape \(4 elements\)/,
        { body: JSON.stringify({ inputs: [{ ...ok, data: [1, 2, 3] }] }) },
      ],
      [
        'negative dim',
        '/v2/models/admin.rowsum/infer',
        400,
        /whole numbers/,
        { body: JSON.stringify({ inputs: [{ ...ok, shape: [-1, 4] }] }) },
      ],
      [
        'non-number element',
        '/v2/models/admin.rowsum/infer',
        400,
        /element 1 \("a"\) is not a number/,
        { body: JSON.stringify({ inputs: [{ ...ok, data: [1, 'a', 3, 4] }] }) },
      ],
      ['malformed JSON', '/v2/models/admin.rowsum/infer', 400, /malformed JSON/, { body: '{"inputs": [' }],
      ['array body', '/v2/models/admin.rowsum/infer', 400, /must be a JSON object/, { body: '[1,2]' }],
      ['string body', '/v2/models/admin.rowsum/infer', 400, /must be a JSON object/, { body: '"hi"' }],
      ['empty body', '/v2/models/admin.rowsum/infer', 400, /malformed JSON/, { body: '' }],
      ['missing inputs', '/v2/models/admin.rowsum/infer', 400, /"inputs" array/, { body: '{"id":"1"}' }],
      [
        'header length > body',
        '/v2/models/admin.rowsum/infer',
        400,
        /larger than the body/,
        { body: '{"inputs":[]}', headers: { 'inference-header-content-length': '500' } },
      ],
      [
        'binary size past the end',
        '/v2/models/admin.rowsum/infer',
        400,
        /runs past the end/,
        {
          body: JSON.stringify({
            inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4], parameters: { binary_data_size: 16 } }],
          }),
          headers: {
            'inference-header-content-length': String(
              JSON.stringify({
                inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4], parameters: { binary_data_size: 16 } }],
              }).length,
            ),
          },
        },
      ],
      [
        'out-of-range integer',
        '/v2/models/admin.types/infer',
        400,
        /not an integer within UINT8/,
        {
          body: JSON.stringify({ inputs: [{ name: 'in_uint8', datatype: 'UINT8', shape: [1, 2], data: [1, 256] }] }),
        },
      ],
    ];
    for (const [what, path, status, pattern, opts] of cases) {
      const res = await http(t, 'POST', path, {
        token: t.adminToken,
        body: opts.body,
        headers: { 'content-type': 'application/json', ...(opts.headers ?? {}) },
      });
      assert.equal(res.status, status, `${what}: ${res.text}`);
      assert.match(res.headers.get('content-type') ?? '', /application\/json/, what);
      assert.deepEqual(Object.keys(res.json), ['error'], what);
      assert.match(res.json.error, pattern, what);
    }
    await assert.rejects(t.admin.oip.modelMetadata('admin/nope'), (e: MarqueeApiError) => e.status === 404);
    await assert.rejects(t.admin.oip.modelMetadata('admin/rowsum', 42), (e: MarqueeApiError) => e.status === 404);
  });
});
