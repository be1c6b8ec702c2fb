import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allocate, elementCount } from './tensor.js';

test('allocate: small tensors are zeroed, aligned and never overlap, across slabs', () => {
  const made: Array<Float64Array | Uint8Array | Float32Array> = [];
  // Odd sizes between 8-byte types, and enough of them to fill several 64 KB slabs.
  for (let i = 0; i < 3000; i++) {
    const a = allocate(i % 3 === 0 ? 'FP64' : i % 3 === 1 ? 'UINT8' : 'FP32', 1 + (i % 13)) as Float64Array;
    assert.equal(a.byteOffset % a.BYTES_PER_ELEMENT, 0);
    assert.ok(a.every((v) => v === 0));
    a.fill(i);
    made.push(a);
  }
  for (const [i, a] of made.entries()) assert.ok(a.every((v) => v === i % (a instanceof Uint8Array ? 256 : Infinity)));
  assert.ok(new Set(made.map((a) => a.buffer)).size > 1);
});

test('allocate: a large tensor has its own buffer; BYTES is an array', () => {
  const big = allocate('FP32', 4096) as Float32Array;
  assert.equal(big.byteOffset, 0);
  assert.equal(big.buffer.byteLength, 4096 * 4);
  assert.ok(Array.isArray(allocate('BYTES', 2)));
});

test('elementCount refuses fractional and negative dimensions', () => {
  assert.equal(elementCount([2, 3]), 6);
  assert.throws(() => elementCount([2, -1]), /whole numbers/);
  assert.throws(() => elementCount([1.5]), /whole numbers/);
});
