import type { TensorDatatype } from '@marquee/engine';
import { Invalid } from '../../errors.js';
import { allocate, type TensorData } from '../../serving/tensor.js';
import { NumericRun, withPlainArrays } from './numeric-json.js';

const INT_RANGE: Partial<Record<TensorDatatype, [number, number]>> = {
  INT8: [-128, 127],
  INT16: [-32768, 32767],
  INT32: [-(2 ** 31), 2 ** 31 - 1],
  UINT8: [0, 255],
  UINT16: [0, 65535],
  UINT32: [0, 2 ** 32 - 1],
};

/**
 * JSON tensor data (flat or nested, row-major) into typed storage, checking that there
 * are exactly `count` elements and that each one fits the datatype.
 */
export function decodeJsonData(name: string, datatype: TensorDatatype, count: number, data: unknown): TensorData {
  if (datatype === 'FP16' || datatype === 'BF16') {
    if (!Array.isArray(data) && !(data instanceof NumericRun))
      throw new Invalid(`input "${name}": "data" must be an array`);
    throw new Invalid(
      `input "${name}": ${datatype} data must be sent as binary (binary_data_size) or gRPC raw contents`,
    );
  }
  // The common request: floats as one run of numbers (flat), or one run per row (nested once).
  if (datatype === 'FP32' || datatype === 'FP64') {
    const runs = data instanceof NumericRun ? [data] : Array.isArray(data) && data.length > 0 && rowRuns(data);
    if (runs) return fromRuns(name, datatype, count, runs);
  }
  data = withPlainArrays(data);
  if (!Array.isArray(data)) throw new Invalid(`input "${name}": "data" must be an array`);
  const flat = isFlat(data) ? data : data.flat(Number.POSITIVE_INFINITY);
  if (flat.length !== count) {
    throw new Invalid(`input "${name}": ${flat.length} data elements do not match its shape (${count} elements)`);
  }
  const out = allocate(datatype, count);
  switch (datatype) {
    case 'FP32':
    case 'FP64': {
      const o = out as Float32Array | Float64Array;
      for (let i = 0; i < count; i++) {
        const v = flat[i];
        if (typeof v !== 'number') badElement(name, i, v, 'a number');
        o[i] = v as number;
      }
      break;
    }
    case 'BOOL': {
      const o = out as Uint8Array;
      for (let i = 0; i < count; i++) {
        const v = flat[i];
        if (typeof v !== 'boolean') badElement(name, i, flat[i], 'true or false');
        o[i] = v ? 1 : 0;
      }
      break;
    }
    case 'INT64':
    case 'UINT64': {
      const o = out as BigInt64Array | BigUint64Array;
      const min = datatype === 'UINT64' ? 0n : -(2n ** 63n);
      const max = datatype === 'UINT64' ? 2n ** 64n - 1n : 2n ** 63n - 1n;
      for (let i = 0; i < count; i++) {
        const v = flat[i];
        if (typeof v !== 'number' || !Number.isInteger(v)) badElement(name, i, flat[i], `an integer`);
        const b = BigInt(v as number);
        if (b < min || b > max) badElement(name, i, flat[i], `within ${datatype}`);
        o[i] = b;
      }
      break;
    }
    case 'BYTES': {
      const o = out as Uint8Array[];
      for (let i = 0; i < count; i++) {
        const v = flat[i];
        if (typeof v !== 'string') badElement(name, i, flat[i], 'a string');
        o[i] = Buffer.from(v as string, 'utf8');
      }
      break;
    }
    default: {
      const [min, max] = INT_RANGE[datatype] as [number, number];
      const o = out as Int32Array;
      for (let i = 0; i < count; i++) {
        const v = flat[i];
        if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
          badElement(name, i, flat[i], `an integer within ${datatype}`);
        o[i] = v as number;
      }
    }
  }
  return out;
}

/** The rows of a once-nested array when each is a run of numbers (the same length), else false. */
function rowRuns(data: unknown[]): NumericRun[] | false {
  const first = data[0];
  if (!(first instanceof NumericRun)) return false;
  for (const row of data) if (!(row instanceof NumericRun) || row.length !== first.length) return false;
  return data as NumericRun[];
}

function fromRuns(name: string, datatype: 'FP32' | 'FP64', count: number, runs: NumericRun[]): TensorData {
  const total = runs.reduce((n, r) => n + r.length, 0);
  if (total !== count) {
    throw new Invalid(`input "${name}": ${total} data elements do not match its shape (${count} elements)`);
  }
  const out = allocate(datatype, count) as Float32Array | Float64Array;
  let at = 0;
  for (const r of runs) {
    out.set(r.values.subarray(0, r.length), at);
    at += r.length;
  }
  return out;
}

function badElement(name: string, i: number, value: unknown, what: string): never {
  throw new Invalid(`input "${name}": element ${i} (${JSON.stringify(value)}) is not ${what}`);
}

function isFlat(data: unknown[]): boolean {
  for (let i = 0; i < data.length; i++) if (Array.isArray(data[i])) return false;
  return true;
}

/** Typed storage to JSON values: 64-bit integers as numbers, BYTES as UTF-8 text, FP16 as numbers. */
export function encodeJsonData(datatype: TensorDatatype, data: TensorData): unknown[] {
  switch (datatype) {
    case 'BYTES':
      return (data as Uint8Array[]).map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8'));
    case 'BOOL':
      return Array.from(data as Uint8Array, (v) => v !== 0);
    case 'INT64':
    case 'UINT64':
      return Array.from(data as BigInt64Array, (v) => Number(v));
    case 'FP16':
      return Array.from(data as Uint16Array, halfToNumber);
    case 'BF16':
      return Array.from(data as Uint16Array, (h) => new Float32Array(new Uint32Array([h << 16]).buffer)[0] as number);
    default:
      return Array.from(data as Float32Array);
  }
}

function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}
