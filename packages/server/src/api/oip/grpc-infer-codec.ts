import { isTensorDatatype, type TensorDatatype } from '@marquee/engine';
import { Invalid } from '../../errors.js';
import {
  allocate,
  elementCount,
  type InferRequest,
  type InferResponse,
  type Tensor,
  type TensorData,
} from '../../serving/tensor.js';
import { decodeRaw, encodeRaw } from './raw-tensor-codec.js';

/** ModelInferRequest as @grpc/proto-loader hands it over (keepCase, longs as strings, bytes as Buffer). */
export interface GrpcInferRequest {
  model_name: string;
  model_version: string;
  id: string;
  inputs: Array<{ name: string; datatype: string; shape: Array<string | number>; contents?: GrpcContents | null }>;
  outputs: Array<{ name: string }>;
  raw_input_contents: Buffer[];
  parameters?: Record<string, { parameter_choice?: string } & Record<string, unknown>>;
}

interface GrpcContents {
  bool_contents?: boolean[];
  int_contents?: number[];
  int64_contents?: Array<string | number>;
  uint_contents?: number[];
  uint64_contents?: Array<string | number>;
  fp32_contents?: number[];
  fp64_contents?: number[];
  bytes_contents?: Buffer[];
}

const CONTENTS_FIELD: Record<TensorDatatype, keyof GrpcContents | undefined> = {
  BOOL: 'bool_contents',
  INT8: 'int_contents',
  INT16: 'int_contents',
  INT32: 'int_contents',
  INT64: 'int64_contents',
  UINT8: 'uint_contents',
  UINT16: 'uint_contents',
  UINT32: 'uint_contents',
  UINT64: 'uint64_contents',
  FP32: 'fp32_contents',
  FP64: 'fp64_contents',
  BYTES: 'bytes_contents',
  FP16: undefined,
  BF16: undefined,
};

/** Typed `contents` or `raw_input_contents` (one per input, in order) into tensors. */
export function decodeGrpcInfer(req: GrpcInferRequest): InferRequest {
  const raw = req.raw_input_contents ?? [];
  if (raw.length > 0 && raw.length !== req.inputs.length) {
    throw new Invalid(`raw_input_contents has ${raw.length} entries for ${req.inputs.length} inputs`);
  }
  const inputs: Tensor[] = req.inputs.map((inp, i) => {
    const { name, datatype } = inp;
    if (!name) throw new Invalid(`inputs[${i}] needs a name`);
    if (!isTensorDatatype(datatype)) throw new Invalid(`input "${name}": unknown datatype "${datatype}"`);
    const shape = inp.shape.map(Number);
    const count = elementCount(shape, `input "${name}": shape`);
    if (raw.length > 0) {
      if (hasContents(inp.contents))
        throw new Invalid(`input "${name}": contents must be empty when raw_input_contents is used`);
      return { name, datatype, shape, data: decodeRaw(name, datatype, count, raw[i] as Buffer) };
    }
    return { name, datatype, shape, data: fromContents(name, datatype, count, inp.contents ?? {}) };
  });
  const parameters: Record<string, string | number | boolean> = {};
  for (const [k, p] of Object.entries(req.parameters ?? {})) {
    // proto-loader (oneofs: true) names the field that is set.
    const v = p.parameter_choice ? (p as Record<string, unknown>)[p.parameter_choice] : undefined;
    if (typeof v === 'boolean' || typeof v === 'string') parameters[k] = v;
    else if (v !== undefined && v !== null) parameters[k] = Number(v);
  }
  return {
    id: req.id || undefined,
    inputs,
    outputs: req.outputs.length ? req.outputs.map((o) => ({ name: o.name })) : undefined,
    ...(Object.keys(parameters).length && { parameters }),
  };
}

function hasContents(c: GrpcContents | null | undefined): boolean {
  if (!c) return false;
  return Object.values(c).some((v) => Array.isArray(v) && v.length > 0);
}

function fromContents(name: string, datatype: TensorDatatype, count: number, contents: GrpcContents): TensorData {
  const field = CONTENTS_FIELD[datatype];
  if (!field) throw new Invalid(`input "${name}": ${datatype} must be sent in raw_input_contents`);
  for (const [k, v] of Object.entries(contents)) {
    if (k !== field && Array.isArray(v) && v.length > 0) {
      throw new Invalid(`input "${name}" is ${datatype}, but its data is in ${k} (expected ${field})`);
    }
  }
  const values = (contents[field] ?? []) as unknown[];
  if (values.length !== count) {
    throw new Invalid(
      `input "${name}": ${values.length} elements in ${field} do not match its shape (${count} elements)`,
    );
  }
  const out = allocate(datatype, count);
  if (datatype === 'BYTES') {
    const o = out as Uint8Array[];
    for (let i = 0; i < count; i++) o[i] = values[i] as Buffer;
  } else if (datatype === 'INT64' || datatype === 'UINT64') {
    const o = out as BigInt64Array;
    for (let i = 0; i < count; i++) o[i] = BigInt(values[i] as string);
  } else if (datatype === 'BOOL') {
    const o = out as Uint8Array;
    for (let i = 0; i < count; i++) o[i] = values[i] ? 1 : 0;
  } else {
    const o = out as Float64Array;
    for (let i = 0; i < count; i++) o[i] = values[i] as number;
    // Narrow integer types silently wrap in typed arrays; refuse values that do not fit.
    for (let i = 0; i < count; i++) {
      if (o[i] !== values[i] && datatype !== 'FP32')
        throw new Invalid(`input "${name}": element ${i} does not fit ${datatype}`);
    }
  }
  return out;
}

/** Outputs go in raw_output_contents, as Triton answers. */
export function encodeGrpcInfer(res: InferResponse) {
  return {
    model_name: res.modelName,
    model_version: res.modelVersion,
    id: res.id ?? '',
    parameters: {},
    outputs: res.outputs.map((t) => ({ name: t.name, datatype: t.datatype, shape: t.shape, parameters: {} })),
    raw_output_contents: res.outputs.map((t) => encodeRaw(t.datatype, t.data)),
  };
}
