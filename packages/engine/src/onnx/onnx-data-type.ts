import type { TensorDatatype } from '../tensor/datatype.js';

/** TensorProto.DataType values from onnx.proto. */
export const OnnxDataType = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  UINT32: 12,
  UINT64: 13,
  BFLOAT16: 16,
} as const;

const TO_DATATYPE: Record<number, TensorDatatype> = {
  1: 'FP32',
  2: 'UINT8',
  3: 'INT8',
  4: 'UINT16',
  5: 'INT16',
  6: 'INT32',
  7: 'INT64',
  8: 'BYTES',
  9: 'BOOL',
  10: 'FP16',
  11: 'FP64',
  12: 'UINT32',
  13: 'UINT64',
  16: 'BF16',
};

const FROM_DATATYPE = Object.fromEntries(Object.entries(TO_DATATYPE).map(([k, v]) => [v, Number(k)])) as Record<
  TensorDatatype,
  number
>;

/** The OIP datatype of an ONNX element type, or undefined for types OIP cannot carry (complex, float8, …). */
export function datatypeOfOnnx(elemType: number): TensorDatatype | undefined {
  return TO_DATATYPE[elemType];
}

export function onnxOfDatatype(datatype: TensorDatatype): number {
  return FROM_DATATYPE[datatype];
}
