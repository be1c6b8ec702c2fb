/**
 * Element types of tensors, named as in the Open Inference Protocol (and Triton), so the
 * same names flow from the engine's signatures to the protocol adapters unchanged.
 */
export const TENSOR_DATATYPES = [
  'BOOL',
  'UINT8',
  'UINT16',
  'UINT32',
  'UINT64',
  'INT8',
  'INT16',
  'INT32',
  'INT64',
  'FP16',
  'BF16',
  'FP32',
  'FP64',
  'BYTES',
] as const;

export type TensorDatatype = (typeof TENSOR_DATATYPES)[number];

/** Bytes per element; BYTES is variable-length (0 here). */
export const DATATYPE_SIZE: Readonly<Record<TensorDatatype, number>> = {
  BOOL: 1,
  UINT8: 1,
  UINT16: 2,
  UINT32: 4,
  UINT64: 8,
  INT8: 1,
  INT16: 2,
  INT32: 4,
  INT64: 8,
  FP16: 2,
  BF16: 2,
  FP32: 4,
  FP64: 8,
  BYTES: 0,
};

export function isTensorDatatype(value: unknown): value is TensorDatatype {
  return typeof value === 'string' && (TENSOR_DATATYPES as readonly string[]).includes(value);
}

/** A named tensor's type: its element type and shape, -1 marking a dynamic dimension. */
export interface TensorSpec {
  name: string;
  datatype: TensorDatatype;
  shape: number[];
}
