import type { TensorDatatype } from '@marquee/engine';
import { allocate, type Tensor, type TensorData } from './tensor.js';

/** Joins tensors of the same name and datatype along dimension 0. */
export function concatRows(parts: Tensor[]): Tensor {
  const first = parts[0] as Tensor;
  if (parts.length === 1) return first;
  let rows = 0;
  let length = 0;
  for (const p of parts) {
    rows += p.shape[0] as number;
    length += p.data.length;
  }
  const data = allocate(first.datatype, length);
  let offset = 0;
  for (const p of parts) {
    if (Array.isArray(data)) {
      const src = p.data as Uint8Array[];
      for (let i = 0; i < src.length; i++) data[offset + i] = src[i] as Uint8Array;
    } else {
      (data as Exclude<TensorData, Uint8Array[]> & { set(a: ArrayLike<number | bigint>, o: number): void }).set(
        p.data as ArrayLike<number | bigint>,
        offset,
      );
    }
    offset += p.data.length;
  }
  return { name: first.name, datatype: first.datatype, shape: [rows, ...first.shape.slice(1)], data };
}

/** Cuts rows [start, start+count) out of a batch-major tensor (a view, not a copy). */
export function sliceRows(t: Tensor, start: number, count: number): Tensor {
  const rows = t.shape[0] as number;
  const perRow = rows === 0 ? 0 : t.data.length / rows;
  const from = start * perRow;
  const to = (start + count) * perRow;
  const data = Array.isArray(t.data)
    ? t.data.slice(from, to)
    : (t.data as Exclude<TensorData, Uint8Array[]>).subarray(from, to);
  return { name: t.name, datatype: t.datatype as TensorDatatype, shape: [count, ...t.shape.slice(1)], data };
}
