import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Invalid } from '../../errors.js';
import { decodeRestInfer, encodeRestInfer } from './rest-infer-codec.js';

const enc = (s: string) => Buffer.from(s, 'utf8');

describe('OIP REST codec', () => {
  test('nested and flat data decode to the same typed values', () => {
    const flat = decodeRestInfer(
      enc('{"inputs":[{"name":"a","datatype":"INT32","shape":[2,2],"data":[1,2,3,4]}]}'),
      undefined,
    );
    const nested = decodeRestInfer(
      enc('{"inputs":[{"name":"a","datatype":"INT32","shape":[2,2],"data":[[1,2],[3,4]]}]}'),
      undefined,
    );
    assert.deepEqual(Array.from(flat.inputs[0]?.data as Int32Array), [1, 2, 3, 4]);
    assert.deepEqual(flat.inputs[0]?.data, nested.inputs[0]?.data);
  });

  test('float data read as runs of numbers: flat, one run per row, ragged rows and mixed arrays alike', () => {
    // Every case twice: as it is (JSON.parse reads small bodies) and padded past 1 KB
    // with whitespace (the numeric-run reader): both must answer, or fail, alike.
    const decode = (data: string, datatype = 'FP32', shape = '[2,2]') => {
      const json = `{"inputs":[{"name":"a","datatype":"${datatype}","shape":${shape},"data":${data}}]}`;
      const outcome = (text: string) => {
        try {
          return { data: decodeRestInfer(enc(text), undefined).inputs[0]?.data };
        } catch (err) {
          return { error: (err as Error).message };
        }
      };
      const small = outcome(json);
      assert.deepEqual(outcome(`${json}${' '.repeat(3000)}`), small);
      if (small.error !== undefined) throw new Invalid(small.error);
      return small.data;
    };
    const expected = Float32Array.from([0.1, -2, 3e-3, 4]);
    assert.deepEqual(decode('[0.1,-2,3e-3,4]'), expected);
    assert.deepEqual(decode('[[0.1,-2],[3e-3,4]]'), expected);
    assert.deepEqual(decode('[[0.1],[-2,3e-3,4]]'), expected);
    assert.deepEqual(decode('[0.1,-2,[3e-3],4]'), expected);
    assert.deepEqual(
      decode('[0.1,-2,3e-3,0.30000000000000004]', 'FP64'),
      Float64Array.from([0.1, -2, 3e-3, 0.1 + 0.2]),
    );
    assert.throws(() => decode('[1,2,3]'), /3 data elements do not match its shape \(4 elements\)/);
    assert.throws(() => decode('[[1,2],[3,"x"]]'), /element 3 \("x"\) is not a number/);
    assert.throws(() => decode('[1,2,3,4]', 'FP16'), /must be sent as binary/);
    assert.throws(() => decode('4', 'FP32'), /"data" must be an array/);
    assert.throws(() => decode('[1,2.5,3,4]', 'INT32'), /element 1 \(2.5\) is not an integer within INT32/);
    assert.throws(() => decodeRestInfer(enc('[1,2]'), undefined), /must be a JSON object/);
    assert.throws(() => decodeRestInfer(enc('{"inputs":[[1,2]]}'), undefined), /inputs\[0\] must be an object/);
    assert.throws(() => decodeRestInfer(enc('{"inputs":[1,2]}'), undefined), /inputs\[0\] must be an object/);
  });

  test('binary inputs are taken in order after the JSON header', () => {
    const header =
      '{"inputs":[{"name":"a","datatype":"UINT8","shape":[3],"parameters":{"binary_data_size":3}},{"name":"b","datatype":"BYTES","shape":[2],"parameters":{"binary_data_size":11}}]}';
    const bytes = Buffer.concat([
      enc(header),
      Buffer.from([7, 8, 9]),
      Buffer.from([1, 0, 0, 0, 0x61, 2, 0, 0, 0, 0x62, 0x63]),
    ]);
    const req = decodeRestInfer(bytes, String(Buffer.byteLength(header)));
    assert.deepEqual(Array.from(req.inputs[0]?.data as Uint8Array), [7, 8, 9]);
    assert.deepEqual(
      (req.inputs[1]!.data as Uint8Array[]).map((b) => Buffer.from(b).toString()),
      ['a', 'bc'],
    );
  });

  test('leftover, short and unclaimed binary data is refused', () => {
    const header = '{"inputs":[{"name":"a","datatype":"FP32","shape":[2],"parameters":{"binary_data_size":8}}]}';
    const n = String(Buffer.byteLength(header));
    assert.throws(() => decodeRestInfer(Buffer.concat([enc(header), Buffer.alloc(12)]), n), /not claimed/);
    assert.throws(() => decodeRestInfer(Buffer.concat([enc(header), Buffer.alloc(4)]), n), /runs past the end/);
    assert.throws(() => decodeRestInfer(enc(header), 'abc'), Invalid);
    const bad = '{"inputs":[{"name":"b","datatype":"BYTES","shape":[2],"parameters":{"binary_data_size":5}}]}';
    assert.throws(
      () => decodeRestInfer(Buffer.concat([enc(bad), Buffer.from([9, 0, 0, 0, 1])]), String(Buffer.byteLength(bad))),
      /runs past the end of the data/,
    );
  });

  test('responses: JSON outputs inline, binary ones after the header', () => {
    const res = encodeRestInfer({
      modelName: 'a.b',
      modelVersion: '3',
      id: 'x',
      outputs: [
        { name: 'p', datatype: 'FP32', shape: [2], data: new Float32Array([0.5, 0.25]) },
        { name: 'q', datatype: 'INT64', shape: [1], data: new BigInt64Array([5n]), binary: true },
      ],
    });
    assert.equal(res.headerLength !== undefined, true);
    const body = res.body as Buffer;
    const head = JSON.parse(body.subarray(0, res.headerLength).toString());
    assert.deepEqual(head, {
      model_name: 'a.b',
      model_version: '3',
      id: 'x',
      outputs: [
        { name: 'p', datatype: 'FP32', shape: [2], data: [0.5, 0.25] },
        { name: 'q', datatype: 'INT64', shape: [1], parameters: { binary_data_size: 8 } },
      ],
    });
    assert.equal(body.readBigInt64LE(res.headerLength as number), 5n);
  });

  test('JSON output text: exact 64-bit integers, null for NaN, escaped names', () => {
    const res = encodeRestInfer({
      modelName: 'a.b',
      modelVersion: '1',
      outputs: [
        { name: 'big', datatype: 'INT64', shape: [2], data: new BigInt64Array([9223372036854775807n, -5n]) },
        {
          name: 'f"x',
          datatype: 'FP32',
          shape: [3],
          data: new Float32Array([Number.NaN, 0.5, Number.POSITIVE_INFINITY]),
        },
        { name: 'b', datatype: 'BOOL', shape: [2], data: new Uint8Array([1, 0]) },
      ],
    });
    const text = res.body as string;
    assert.match(text, /"data":\[9223372036854775807,-5\]/);
    const doc = JSON.parse(text);
    assert.deepEqual(doc.outputs[1], { name: 'f"x', datatype: 'FP32', shape: [3], data: [null, 0.5, null] });
    assert.deepEqual(doc.outputs[2].data, [true, false]);
  });
});
