import type { Datatype } from './types.js';

export type TypedTensorData =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigUint64Array;

/** A tensor as an app holds it: JSON values, a typed array, or strings/byte strings for BYTES. */
export interface OipTensor {
  name: string;
  datatype: Datatype;
  shape: number[];
  data: unknown[] | TypedTensorData | Uint8Array[];
  parameters?: Record<string, string | number | boolean>;
}

const CTOR: Record<Exclude<Datatype, 'BYTES'>, new (b: ArrayBuffer) => TypedTensorData> = {
  BOOL: Uint8Array,
  UINT8: Uint8Array,
  UINT16: Uint16Array,
  UINT32: Uint32Array,
  UINT64: BigUint64Array,
  INT8: Int8Array,
  INT16: Int16Array,
  INT32: Int32Array,
  INT64: BigInt64Array,
  FP16: Uint16Array,
  BF16: Uint16Array,
  FP32: Float32Array,
  FP64: Float64Array,
};

/** Little-endian raw bytes of a tensor (the binary tensor data extension's layout). */
export function toRawBytes(t: OipTensor): Uint8Array {
  if (t.datatype === 'BYTES') {
    const elems = (t.data as Array<string | Uint8Array>).map((e) =>
      typeof e === 'string' ? new TextEncoder().encode(e) : e,
    );
    const out = new Uint8Array(elems.reduce((n, e) => n + 4 + e.length, 0));
    const view = new DataView(out.buffer);
    let pos = 0;
    for (const e of elems) {
      view.setUint32(pos, e.length, true);
      out.set(e, pos + 4);
      pos += 4 + e.length;
    }
    return out;
  }
  if (ArrayBuffer.isView(t.data)) {
    const d = t.data as TypedTensorData;
    return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
  }
  const Ctor = CTOR[t.datatype] as unknown as { from(a: unknown[]): TypedTensorData };
  const values = t.data as unknown[];
  const typed =
    t.datatype === 'INT64' || t.datatype === 'UINT64'
      ? Ctor.from(values.map((v) => BigInt(v as number)))
      : Ctor.from(t.datatype === 'BOOL' ? values.map((v) => (v ? 1 : 0)) : values);
  return new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);
}

/** Raw bytes back into a typed array (or byte strings for BYTES). */
export function fromRawBytes(datatype: Datatype, bytes: Uint8Array): TypedTensorData | Uint8Array[] {
  if (datatype === 'BYTES') {
    const out: Uint8Array[] = [];
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let pos = 0; pos < bytes.length; ) {
      const len = view.getUint32(pos, true);
      out.push(bytes.slice(pos + 4, pos + 4 + len));
      pos += 4 + len;
    }
    return out;
  }
  const copy = bytes.slice();
  return new CTOR[datatype](copy.buffer);
}
