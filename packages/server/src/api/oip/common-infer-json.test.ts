import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Rng } from '@marquee/engine';
import { decodeCommonInfer } from './common-infer-json.js';
import { decodeRestInfer } from './rest-infer-codec.js';

// The general decoder alone: a header length equal to the body's means "no binary part".
const general = (b: Buffer) => decodeRestInfer(b, String(b.length));

/** The fast path may decline; whatever it accepts must decode exactly as the general path does. */
function agrees(text: string): boolean {
  const b = Buffer.from(text);
  const fast = decodeCommonInfer(b);
  if (!fast) return false;
  assert.deepStrictEqual(fast, general(b), text);
  return true;
}

describe('decodeCommonInfer', () => {
  test('reads the common shapes, as the general decoder does', () => {
    const accepted = [
      '{"inputs":[{"name":"x","shape":[1,3],"datatype":"FP32","data":[1,2.5,-3]}]}',
      ' { "inputs" : [ { "data" : [ 0.1 , -0 , 1e5 , 1.5E-3 , -2e+2 ] , "datatype" : "FP64" , "shape" : [ 5 ] , "name" : "in" } ] } \n',
      '{"inputs":[{"name":"a","shape":[2,2],"datatype":"FP32","data":[1,2,3,4]},{"name":"b","shape":[1],"datatype":"FP64","data":[123456789012345]}]}',
      '{"inputs":[{"name":"empty","shape":[0,3],"datatype":"FP32","data":[]}]}',
      '{\t"inputs":\r\n[{"name":"x","shape":[],"datatype":"FP32","data":[0.000001234]}]}',
      '{"inputs":[{"name":"x","shape":[1,2],"datatype":"FP32","data":[3.4028235e15,1e-22]}]}',
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
      '{"id":"1","inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1]}]}',
      '{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1]}],"parameters":{"binary_data_output":true}}',
      '{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1]}],"outputs":[{"name":"y"}]}',
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
});
