import type { TensorSpec } from '../tensor/datatype.js';
import { datatypeOfOnnx } from './onnx-data-type.js';
import { fieldText, ProtobufDecodeError, type ProtobufField, readProtobufFields } from './protobuf-reader.js';

export class InvalidOnnxModel extends Error {}

/** What a model's graph declares about itself, read without running it. */
export interface OnnxModelInfo {
  irVersion: number;
  producer: string;
  opsets: Record<string, number>;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  /** Graph outputs that are not tensors (sequence, map) or of a type OIP cannot carry. */
  unsupportedOutputs: string[];
}

/**
 * Reads the signature of an ONNX model from its ModelProto bytes: graph inputs (less those
 * that are initializers, as older exporters list weights as inputs), graph outputs, their
 * element types and shapes, -1 for a dynamic dimension. Throws InvalidOnnxModel when the
 * bytes are not a ModelProto with a graph.
 */
export function readOnnxModelInfo(bytes: Uint8Array): OnnxModelInfo {
  try {
    return readModel(bytes);
  } catch (err) {
    if (err instanceof ProtobufDecodeError || err instanceof TypeError) {
      throw new InvalidOnnxModel(`not an ONNX model: ${err.message}`);
    }
    throw err;
  }
}

function readModel(bytes: Uint8Array): OnnxModelInfo {
  let irVersion = 0;
  let producer = '';
  let graph: Uint8Array | undefined;
  const opsets: Record<string, number> = {};
  for (const f of readProtobufFields(bytes)) {
    if (f.field === 1 && f.wireType === 0) irVersion = Number(f.varint);
    else if (f.field === 2 && f.wireType === 2) producer = fieldText(f);
    else if (f.field === 7 && f.wireType === 2) graph = f.bytes;
    else if (f.field === 8 && f.wireType === 2) {
      let domain = '';
      let version = 0;
      for (const o of readProtobufFields(need(f))) {
        if (o.field === 1) domain = fieldText(o);
        else if (o.field === 2) version = Number(o.varint ?? 0);
      }
      opsets[domain || 'ai.onnx'] = version;
    }
  }
  if (!graph || irVersion <= 0) throw new InvalidOnnxModel('not an ONNX model: no ir_version or graph');
  if (Object.keys(opsets).length === 0) throw new InvalidOnnxModel('not an ONNX model: no opset_import');

  const initializers = new Set<string>();
  const inputs: Array<TensorSpec | string> = [];
  const outputs: Array<TensorSpec | string> = [];
  for (const f of readProtobufFields(graph)) {
    if (f.field === 5 && f.wireType === 2) {
      for (const t of readProtobufFields(need(f))) if (t.field === 8) initializers.add(fieldText(t));
    } else if (f.field === 11 && f.wireType === 2) inputs.push(readValueInfo(need(f)));
    else if (f.field === 12 && f.wireType === 2) outputs.push(readValueInfo(need(f)));
  }
  const realInputs = inputs.filter((i) => !initializers.has(typeof i === 'string' ? i : i.name));
  const badInput = realInputs.find((i) => typeof i === 'string');
  if (badInput !== undefined) throw new InvalidOnnxModel(`input "${badInput}" is not a tensor of a supported type`);
  const tensorOutputs = outputs.filter((o): o is TensorSpec => typeof o !== 'string');
  if (tensorOutputs.length === 0) throw new InvalidOnnxModel('the graph has no tensor outputs');
  return {
    irVersion,
    producer,
    opsets,
    inputs: realInputs as TensorSpec[],
    outputs: tensorOutputs,
    unsupportedOutputs: outputs.filter((o): o is string => typeof o === 'string'),
  };
}

/** A ValueInfoProto as a TensorSpec, or its bare name when it is not a supported tensor. */
function readValueInfo(bytes: Uint8Array): TensorSpec | string {
  let name = '';
  let tensorType: Uint8Array | undefined;
  for (const f of readProtobufFields(bytes)) {
    if (f.field === 1) name = fieldText(f);
    else if (f.field === 2) {
      for (const t of readProtobufFields(need(f))) if (t.field === 1) tensorType = need(t);
    }
  }
  if (!tensorType) return name;
  let elemType = 0;
  const shape: number[] = [];
  for (const f of readProtobufFields(tensorType)) {
    if (f.field === 1) elemType = Number(f.varint ?? 0);
    else if (f.field === 2) {
      for (const d of readProtobufFields(need(f))) {
        if (d.field !== 1) continue;
        let dim = -1;
        for (const v of readProtobufFields(need(d))) if (v.field === 1) dim = Number(v.varint ?? -1);
        shape.push(dim);
      }
    }
  }
  const datatype = datatypeOfOnnx(elemType);
  if (!datatype) return name;
  return { name, datatype, shape };
}

function need(f: ProtobufField): Uint8Array {
  if (!f.bytes) throw new ProtobufDecodeError(`field ${f.field} should be length-delimited`);
  return f.bytes;
}
