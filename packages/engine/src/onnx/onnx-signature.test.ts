import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { OnnxGraphBuilder } from './onnx-graph-builder.js';
import { InvalidOnnxModel, readOnnxModelInfo } from './onnx-signature.js';
import { ProtobufWriter } from './protobuf-writer.js';

describe('readOnnxModelInfo', () => {
  test('reads inputs, outputs, dynamic dims and opsets; weights listed as inputs are left out', () => {
    const bytes = new OnnxGraphBuilder()
      .opset('ai.onnx.ml', 3)
      .input('features', 'FP32', ['batch', 3])
      .input('w', 'FP32', [3, 2])
      .initializer({ name: 'w', datatype: 'FP32', dims: [3, 2], values: [1, 2, 3, 4, 5, 6] })
      .output('scores', 'FP32', ['batch', 2])
      .output('ids', 'INT64', [])
      .node('MatMul', ['features', 'w'], ['scores'])
      .build();
    const info = readOnnxModelInfo(bytes);
    assert.equal(info.irVersion, 8);
    assert.deepEqual(info.opsets, { 'ai.onnx': 17, 'ai.onnx.ml': 3 });
    assert.deepEqual(info.inputs, [{ name: 'features', datatype: 'FP32', shape: [-1, 3] }]);
    assert.deepEqual(info.outputs, [
      { name: 'scores', datatype: 'FP32', shape: [-1, 2] },
      { name: 'ids', datatype: 'INT64', shape: [] },
    ]);
  });

  test('rejects what is not a ModelProto', () => {
    const cases: Uint8Array[] = [
      new TextEncoder().encode('hello world, not protobuf'),
      new Uint8Array([]),
      new ProtobufWriter().varint(1, 8).finish(), // ir_version but no graph
      new ProtobufWriter()
        .varint(1, 8)
        .bytes(7, new Uint8Array([0x0a, 0x05, 0x61]))
        .finish(), // truncated graph field
      new Uint8Array([0xff, 0xff, 0xff]),
    ];
    for (const c of cases) assert.throws(() => readOnnxModelInfo(c), InvalidOnnxModel, `${c.length} bytes`);
  });

  test('varints round-trip, negative int64 included', () => {
    const w = new ProtobufWriter()
      .varint(1, -1)
      .varint(2, 300)
      .varint(3, 2n ** 63n - 1n);
    const bytes = w.finish();
    // -1 as an int64 varint takes 10 bytes.
    assert.equal(bytes.length, 1 + 10 + 1 + 2 + 1 + 9);
  });
});
