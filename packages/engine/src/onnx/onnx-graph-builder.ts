import type { TensorDatatype } from '../tensor/datatype.js';
import { onnxOfDatatype } from './onnx-data-type.js';
import { ProtobufWriter } from './protobuf-writer.js';

/** A node attribute value; arrays of numbers become INTS or FLOATS by the `floats` hint. */
export type OnnxAttributeValue =
  | { int: number }
  | { float: number }
  | { string: string }
  | { ints: ArrayLike<number> }
  | { floats: ArrayLike<number> }
  | { strings: string[] }
  | { tensor: OnnxInitializer };

export interface OnnxInitializer {
  name: string;
  datatype: TensorDatatype;
  dims: number[];
  /** FP32/FP64/INT32/INT64 numbers, or strings for BYTES. */
  values: ArrayLike<number> | ArrayLike<bigint> | string[];
}

interface NodeSpec {
  opType: string;
  inputs: string[];
  outputs: string[];
  attributes: Record<string, OnnxAttributeValue>;
  domain: string;
  name: string;
}

/** Field numbers of onnx.proto messages used below. */
const F = {
  model: { irVersion: 1, producerName: 2, producerVersion: 3, graph: 7, opsetImport: 8 },
  opset: { domain: 1, version: 2 },
  graph: { node: 1, name: 2, initializer: 5, input: 11, output: 12 },
  node: { input: 1, output: 2, name: 3, opType: 4, attribute: 5, domain: 7 },
  attr: { name: 1, f: 2, i: 3, s: 4, t: 5, floats: 7, ints: 8, strings: 9, type: 20 },
  tensor: { dims: 1, dataType: 2, floatData: 4, int32Data: 5, stringData: 6, int64Data: 7, name: 8, doubleData: 10 },
  valueInfo: { name: 1, type: 2 },
  type: { tensorType: 1 },
  tensorType: { elemType: 1, shape: 2 },
  shape: { dim: 1 },
  dim: { value: 1, param: 2 },
} as const;

const ATTR_TYPE = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7, STRINGS: 8 } as const;

/**
 * Builds an ONNX model (ModelProto bytes) from inputs, outputs, initializers and nodes.
 * Used by learners' ONNX export and by tests that need small real models.
 */
export class OnnxGraphBuilder {
  private inputs: ProtobufWriter[] = [];
  private outputs: ProtobufWriter[] = [];
  private initializers: ProtobufWriter[] = [];
  private nodes: NodeSpec[] = [];
  private opsets = new Map<string, number>([['', 17]]);

  constructor(private readonly graphName = 'marquee') {}

  /** Declares an opset; the default domain starts at 17, `ai.onnx.ml` needs this call. */
  opset(domain: string, version: number): this {
    this.opsets.set(domain, version);
    return this;
  }

  /** shape: a number is a fixed dim, -1 or a string is a dynamic one. */
  input(name: string, datatype: TensorDatatype, shape: Array<number | string>): this {
    this.inputs.push(valueInfo(name, datatype, shape));
    return this;
  }

  output(name: string, datatype: TensorDatatype, shape: Array<number | string>): this {
    this.outputs.push(valueInfo(name, datatype, shape));
    return this;
  }

  initializer(init: OnnxInitializer): this {
    this.initializers.push(tensorProto(init));
    return this;
  }

  node(
    opType: string,
    inputs: string[],
    outputs: string[],
    attributes: Record<string, OnnxAttributeValue> = {},
    domain = '',
  ): this {
    this.nodes.push({ opType, inputs, outputs, attributes, domain, name: `${opType}_${this.nodes.length}` });
    return this;
  }

  build(producer = { name: 'marquee', version: '0.1.0' }): Uint8Array {
    const graph = new ProtobufWriter();
    for (const n of this.nodes) graph.message(F.graph.node, nodeProto(n));
    graph.string(F.graph.name, this.graphName);
    for (const t of this.initializers) graph.message(F.graph.initializer, t);
    for (const i of this.inputs) graph.message(F.graph.input, i);
    for (const o of this.outputs) graph.message(F.graph.output, o);

    const model = new ProtobufWriter();
    model.varint(F.model.irVersion, 8);
    model.string(F.model.producerName, producer.name);
    model.string(F.model.producerVersion, producer.version);
    model.message(F.model.graph, graph);
    for (const [domain, version] of this.opsets) {
      const op = new ProtobufWriter();
      if (domain) op.string(F.opset.domain, domain);
      op.varint(F.opset.version, version);
      model.message(F.model.opsetImport, op);
    }
    return model.finish();
  }
}

function valueInfo(name: string, datatype: TensorDatatype, shape: Array<number | string>): ProtobufWriter {
  const shapeMsg = new ProtobufWriter();
  for (const d of shape) {
    const dim = new ProtobufWriter();
    if (typeof d === 'number' && d >= 0) dim.varint(F.dim.value, d);
    else dim.string(F.dim.param, typeof d === 'string' ? d : 'N');
    shapeMsg.message(F.shape.dim, dim);
  }
  const tensorType = new ProtobufWriter().varint(F.tensorType.elemType, onnxOfDatatype(datatype));
  tensorType.message(F.tensorType.shape, shapeMsg);
  const type = new ProtobufWriter().message(F.type.tensorType, tensorType);
  return new ProtobufWriter().string(F.valueInfo.name, name).message(F.valueInfo.type, type);
}

function tensorProto(init: OnnxInitializer): ProtobufWriter {
  const t = new ProtobufWriter();
  t.packedVarints(F.tensor.dims, init.dims);
  t.varint(F.tensor.dataType, onnxOfDatatype(init.datatype));
  t.string(F.tensor.name, init.name);
  const v = init.values;
  switch (init.datatype) {
    case 'FP32':
      t.packedFloats(F.tensor.floatData, v as ArrayLike<number>);
      break;
    case 'FP64': {
      const d = Float64Array.from(v as ArrayLike<number>);
      t.bytes(F.tensor.doubleData, new Uint8Array(d.buffer));
      break;
    }
    case 'INT64':
      t.packedVarints(F.tensor.int64Data, v as ArrayLike<number>);
      break;
    case 'INT32':
    case 'INT16':
    case 'INT8':
    case 'UINT16':
    case 'UINT8':
    case 'BOOL':
      t.packedVarints(F.tensor.int32Data, v as ArrayLike<number>);
      break;
    case 'BYTES':
      for (const s of v as string[]) t.string(F.tensor.stringData, s);
      break;
    default:
      throw new Error(`initializers of type ${init.datatype} are not supported`);
  }
  return t;
}

function nodeProto(n: NodeSpec): ProtobufWriter {
  const w = new ProtobufWriter();
  for (const i of n.inputs) w.string(F.node.input, i);
  for (const o of n.outputs) w.string(F.node.output, o);
  w.string(F.node.name, n.name);
  w.string(F.node.opType, n.opType);
  for (const [name, value] of Object.entries(n.attributes)) w.message(F.node.attribute, attributeProto(name, value));
  if (n.domain) w.string(F.node.domain, n.domain);
  return w;
}

function attributeProto(name: string, value: OnnxAttributeValue): ProtobufWriter {
  const a = new ProtobufWriter().string(F.attr.name, name);
  if ('int' in value) a.varint(F.attr.i, value.int).varint(F.attr.type, ATTR_TYPE.INT);
  else if ('float' in value) a.float(F.attr.f, value.float).varint(F.attr.type, ATTR_TYPE.FLOAT);
  else if ('string' in value) a.string(F.attr.s, value.string).varint(F.attr.type, ATTR_TYPE.STRING);
  else if ('ints' in value) a.packedVarints(F.attr.ints, value.ints).varint(F.attr.type, ATTR_TYPE.INTS);
  else if ('floats' in value) a.packedFloats(F.attr.floats, value.floats).varint(F.attr.type, ATTR_TYPE.FLOATS);
  else if ('strings' in value) {
    for (const s of value.strings) a.string(F.attr.strings, s);
    a.varint(F.attr.type, ATTR_TYPE.STRINGS);
  } else a.message(F.attr.t, tensorProto(value.tensor)).varint(F.attr.type, ATTR_TYPE.TENSOR);
  return a;
}
