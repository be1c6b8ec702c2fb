import os from 'node:os';
import { DATATYPE_SIZE, type TensorDatatype } from '@marquee/engine';
import { Invalid } from '../../errors.js';
import { allocate, type TensorData } from '../../serving/tensor.js';

if (os.endianness() !== 'LE') throw new Error('the raw tensor codec assumes a little-endian host');

/**
 * The raw tensor layout shared by the REST binary data extension and gRPC
 * `raw_input_contents` / `raw_output_contents`: little-endian, row-major, no padding;
 * BOOL one byte; BYTES each element as a 4-byte little-endian length and its bytes.
 */
export function decodeRaw(name: string, datatype: TensorDatatype, count: number, bytes: Uint8Array): TensorData {
  if (datatype === 'BYTES') return decodeRawBytes(name, count, bytes);
  const size = DATATYPE_SIZE[datatype];
  if (bytes.length !== count * size) {
    throw new Invalid(
      `input "${name}": ${bytes.length} bytes of ${datatype} data do not match its shape (${count} elements × ${size} bytes)`,
    );
  }
  const out = allocate(datatype, count) as Exclude<TensorData, Uint8Array[]>;
  // Copy rather than view: the body's offset is rarely aligned to the element size.
  new Uint8Array(out.buffer, out.byteOffset, out.byteLength).set(bytes);
  if (datatype === 'BOOL') {
    const b = out as Uint8Array;
    for (let i = 0; i < b.length; i++) b[i] = b[i] ? 1 : 0;
  }
  return out;
}

function decodeRawBytes(name: string, count: number, bytes: Uint8Array): Uint8Array[] {
  const out = new Array<Uint8Array>(count);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 0;
  for (let i = 0; i < count; i++) {
    if (pos + 4 > bytes.length) throw new Invalid(`input "${name}": BYTES data ends after ${i} of ${count} elements`);
    const len = view.getUint32(pos, true);
    pos += 4;
    if (pos + len > bytes.length)
      throw new Invalid(`input "${name}": BYTES element ${i} runs past the end of the data`);
    out[i] = bytes.subarray(pos, pos + len);
    pos += len;
  }
  if (pos !== bytes.length)
    throw new Invalid(`input "${name}": ${bytes.length - pos} bytes left over after ${count} BYTES elements`);
  return out;
}

export function encodeRaw(datatype: TensorDatatype, data: TensorData): Buffer {
  if (datatype !== 'BYTES') {
    const d = data as Exclude<TensorData, Uint8Array[]>;
    return Buffer.from(d.buffer, d.byteOffset, d.byteLength);
  }
  const elems = data as Uint8Array[];
  let total = 0;
  for (const e of elems) total += 4 + e.length;
  const out = Buffer.allocUnsafe(total);
  let pos = 0;
  for (const e of elems) {
    out.writeUInt32LE(e.length, pos);
    out.set(e, pos + 4);
    pos += 4 + e.length;
  }
  return out;
}
