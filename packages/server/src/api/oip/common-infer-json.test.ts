import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Rng } from '@marquee/engine';
import type { InferRequest, Tensor } from '../../serving/tensor.js';
import { decodeCommonInfer } from './common-infer-json.js';
import { decodeGeneralInfer } from './rest-infer-codec.js';

const general = (b: Buffer, jsonLength = b.length) => decodeGeneralInfer(b, jsonLength);

/** The fast path may decline; whatever it accepts must decode exactly as the general path does. */
function agrees(text: string): boolean {
  const b = Buffer.from(text);
  const fast = decodeCommonInfer(b);
  if (!fast) return false;
  assert.deepStrictEqual(fast, general(b), text);
  return true;
}

/** A binary-extension body: the JSON header, then the bytes. */
function binaryBody(header: unknown, ...parts: Uint8Array[]): { body: Buffer; jsonLength: number } {
  const json = Buffer.from(typeof header === 'string' ? header : JSON.stringify(header));
  return { body: Buffer.concat([json, ...parts]), jsonLength: json.length };
}

const f32 = (...v: number[]) => new Uint8Array(Float32Array.from(v).buffer);

describe('decodeCommonInfer', () => {
  test('reads the common shapes, as the general decoder does', () => {
    const accepted = [
      '{"inputs":[{"name":"x","shape":[1,3],"datatype":"FP32","data":[1,2.5,-3]}]}',
      ' { "inputs" : [ { "data" : [ 0.1 , -0 , 1e5 , 1.5E-3 , -2e+2 ] , "datatype" : "FP64" , "shape" : [ 5 ] , "name" : "in" } ] } \n',
      '{"inputs":[{"name":"a","shape":[2,2],"datatype":"FP32","data":[1,2,3,4]},{"name":"b","shape":[1],"datatype":"FP64","data":[123456789012345]}]}',
      '{"inputs":[{"name":"empty","shape":[0,3],"datatype":"FP32","data":[]}]}',
      '{\t"inputs":\r\n[{"name":"x","shape":[],"datatype":"FP32","data":[0.000001234]}]}',
      '{"inputs":[{"name":"x","shape":[1,2],"datatype":"FP32","data":[3.4028235e15,1e-22]}]}',
      '{"id":"req-1","inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1]}]}',
      '{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1]}],"parameters":{"binary_data_output":true}}',
      '{"parameters":{},"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1]}],"outputs":[]}',
      '{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1]}],"outputs":[{"name":"y"},{"parameters":{"binary_data":false},"name":"z"}]}',
    ];
    for (const text of accepted) assert.ok(agrees(text), `should take ${text}`);
  });

  test('numbers of up to 9 digits and longer ones, in any order, read as JSON.parse reads them', () => {
    // As written: String() would turn some of them into exponents.
    const arrays = [
      '0.5,999999999,0.123456789,-123456.789,0,-0,1e9,12.5e-3', // none over 9 digits
      '1.25,2,4294967295,0.5,7', // a 10-digit one after short ones: the array is read again
      '2147483648.5,1', // the first one long, past an int32
      '0.0000012345,0.5', // leading zeros of a fraction count towards the 9
      '123456789012.345,-0.000000000001', // 15 digits; 12 digits, 11 of them leading zeros
    ];
    for (const values of arrays) {
      const n = values.split(',').length;
      const text = `{"inputs":[{"name":"x","shape":[${n}],"datatype":"FP64","data":[${values}]}]}`;
      assert.ok(agrees(text), `should take ${text}`);
      const data = decodeCommonInfer(Buffer.from(text))?.inputs[0]?.data as Float64Array;
      assert.deepStrictEqual([...data], JSON.parse(`[${values}]`), text); // SameValue: -0 is not 0
    }
  });

  test('declines everything else, which the general decoder then reads (or refuses)', () => {
    const declined = [
      '{"id":1,"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1]}]}',
      '{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1]}],"parameters":{"k":3}}',
      '{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1]}],"parameters":{"binary_data_output":1}}',
      '{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1]}],"outputs":[{"name":"y","parameters":{"class_count":2}}]}',
      '{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1]}],"outputs":[{"name":"y","name":"z"}]}',
      '{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1]}],"inputs":[]}',
      '{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1],"parameters":{}}]}',
      '{"inputs":[{"name":"\\u0078","shape":[1],"datatype":"FP32","data":[1]}]}',
      '{"inputs":[{"name":"名","shape":[1],"datatype":"FP32","data":[1]}]}',
      '{"inputs":[{"name":"","shape":[1],"datatype":"FP32","data":[1]}]}',
      '{"inputs":[{"name":"x","shape":[1,2],"datatype":"FP32","data":[[1,2]]}]}',
      '{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1234567890123456]}]}',
      '{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1e23]}]}',
      '{"inputs":[{"name":"x","shape":[2],"datatype":"FP32","data":[1]}]}',
      '{"inputs":[{"name":"x","name":"y","shape":[1],"datatype":"FP32","data":[1]}]}',
      '{"inputs":[{"name":"x","shape":[1],"datatype":"INT64","data":[1]}]}',
      '{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[01]}]}',
      '{"inputs":[{"name":"x","shape":[01],"datatype":"FP32","data":[1]}]}',
      '{"inputs":[{"name":"x","shape":[1.0],"datatype":"FP32","data":[1]}]}',
      '{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1]}]} x',
      '\ufeff{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1]}]}',
      '{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[.5]}]}',
      '{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1.]}]}',
      '{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[+1]}]}',
      '{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1,]}]}',
      '{"inputs":[]}',
      '{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1]}]',
    ];
    for (const text of declined) {
      assert.equal(decodeCommonInfer(Buffer.from(text)), undefined, `should leave ${text}`);
    }
  });

  test("reads the binary extension's header as the general decoder does, the bytes after it in order", () => {
    const accepted = [
      binaryBody(
        {
          inputs: [{ name: 'x', shape: [1, 3], datatype: 'FP32', parameters: { binary_data_size: 12 } }],
          outputs: [{ name: 'probabilities', parameters: { binary_data: true } }],
        },
        f32(1.5, -2, 3),
      ),
      // Triton's client without outputs asks for them all as binary; a JSON input beside a binary one.
      binaryBody(
        {
          id: '7',
          inputs: [
            { name: 'a', shape: [2], datatype: 'INT64', parameters: { binary_data_size: 16 } },
            { name: 'b', shape: [1], datatype: 'FP64', data: [0.25] },
            { name: 'c', shape: [3], datatype: 'BOOL', parameters: { binary_data_size: 3 } },
          ],
          parameters: { binary_data_output: true },
        },
        new Uint8Array(new BigInt64Array([5n, -9n]).buffer),
        Uint8Array.from([1, 0, 7]),
      ),
      binaryBody(
        ' { "parameters" : { "binary_data_output" : false } , "inputs" : [ { "parameters" : { "binary_data_size" : 8 } , "datatype" : "FP32" , "shape" : [ 2 ] , "name" : "x" } ] } ',
        f32(0.1, 0.2),
      ),
    ];
    for (const { body, jsonLength } of accepted) {
      const fast = decodeCommonInfer(body, jsonLength);
      assert.ok(fast, `should take ${body.toString('latin1', 0, jsonLength)}`);
      assert.deepStrictEqual(fast, general(body, jsonLength));
    }
    const { body, jsonLength } = accepted[1] as (typeof accepted)[number];
    const [a, , c] = (decodeCommonInfer(body, jsonLength) as InferRequest).inputs as [Tensor, Tensor, Tensor];
    assert.deepStrictEqual([...(a.data as BigInt64Array)], [5n, -9n]);
    assert.deepStrictEqual([...(c.data as Uint8Array)], [1, 0, 1]);
  });

  test('leaves binary bodies whose sizes do not add up, or with anything unusual, to the general decoder', () => {
    const input = (extra: Record<string, unknown> = {}) => ({
      name: 'x',
      shape: [2],
      datatype: 'FP32',
      parameters: { binary_data_size: 8 },
      ...extra,
    });
    const declined = [
      binaryBody({ inputs: [input()] }, f32(1)), // fewer bytes than claimed
      binaryBody({ inputs: [input()] }, f32(1, 2, 3)), // bytes nobody claims
      binaryBody({ inputs: [input({ parameters: { binary_data_size: 4 } })] }, f32(1)), // size ≠ shape
      binaryBody({ inputs: [input({ data: [1, 2] })] }, f32(1, 2)),
      binaryBody({ inputs: [input({ parameters: { binary_data_size: 8, x: 1 } })] }, f32(1, 2)),
      binaryBody({ inputs: [input({ datatype: 'BYTES' })] }, f32(1, 2)),
      binaryBody({ inputs: [input({ datatype: 'FP128' })] }, f32(1, 2)),
      binaryBody({ inputs: [input()], outputs: [{ name: 'y', parameters: { binary_data: 'yes' } }] }, f32(1, 2)),
      binaryBody({ inputs: [input()], parameters: { binary_data_output: true, k: 1 } }, f32(1, 2)),
    ];
    for (const { body, jsonLength } of declined) {
      assert.equal(decodeCommonInfer(body, jsonLength), undefined, body.toString('latin1', 0, jsonLength));
    }
  });

  test('random numbers in every notation decode to the same floats as JSON.parse gives', () => {
    const rng = new Rng(7);
    // Mostly what clients write (up to 15 significant digits); now and then a full double.
    const write = [
      (x: number) => x.toFixed(Math.floor(rng.next() * 8)),
      (x: number) => x.toExponential(Math.floor(rng.next() * 15)),
      (x: number) => x.toPrecision(1 + Math.floor(rng.next() * 15)),
      (x: number) => (rng.next() < 0.05 ? String(x) : x.toPrecision(9)),
    ];
    let taken = 0;
    for (let i = 0; i < 400; i++) {
      const n = 1 + Math.floor(rng.next() * 30);
      const scale = 10 ** Math.floor(rng.next() * 12 - 6);
      const values = Array.from({ length: n }, () => {
        const x = (rng.next() - 0.5) * scale;
        return (write[Math.floor(rng.next() * write.length)] as (x: number) => string)(x);
      });
      const datatype = i % 2 ? 'FP32' : 'FP64';
      if (agrees(`{"inputs":[{"name":"r","shape":[${n}],"datatype":"${datatype}","data":[${values.join(',')}]}]}`))
        taken++;
    }
    assert.ok(taken > 200, `the fast path took ${taken} of 400`);
  });

  test('a body with one byte changed is declined, or decoded as the general decoder decodes it', () => {
    const rng = new Rng(11);
    const base = '{"inputs":[{"name":"in-1","shape":[2,3],"datatype":"FP32","data":[1.5,-2,3e2,0.25,5,-6.125]}]}';
    const alphabet = '{}[]":,.-+eE0123456789 ax';
    for (let i = 0; i < 3000; i++) {
      const at = Math.floor(rng.next() * base.length);
      const text =
        base.slice(0, at) + (alphabet[Math.floor(rng.next() * alphabet.length)] as string) + base.slice(at + 1);
      const fast = decodeCommonInfer(Buffer.from(text));
      if (!fast) continue;
      assert.deepStrictEqual(fast, general(Buffer.from(text)), text);
    }
  });

  test('a binary header with one byte changed is declined, or decoded as the general decoder decodes it', () => {
    const rng = new Rng(13);
    const header =
      '{"id":"a","inputs":[{"name":"x","shape":[1,2],"datatype":"FP32","parameters":{"binary_data_size":8}}],"outputs":[{"name":"y","parameters":{"binary_data":true}}]}';
    const alphabet = '{}[]":,.-+eE0123456789 aftrux';
    let taken = 0;
    for (let i = 0; i < 3000; i++) {
      const at = Math.floor(rng.next() * header.length);
      const text =
        header.slice(0, at) + (alphabet[Math.floor(rng.next() * alphabet.length)] as string) + header.slice(at + 1);
      const { body, jsonLength } = binaryBody(text, f32(1, 2));
      const fast = decodeCommonInfer(body, jsonLength);
      if (!fast) continue;
      taken++;
      assert.deepStrictEqual(fast, general(body, jsonLength), text);
    }
    assert.ok(taken > 100, `the fast path took ${taken} of 3000`);
  });
});
