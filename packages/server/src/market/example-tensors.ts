import type { TensorDatatype } from '@marquee/engine';
import { decodeJsonData } from '../api/oip/json-tensor-codec.js';
import type { ExampleRequest, Signature } from '../registry/model-views.js';
import { elementCount, type Tensor } from '../serving/tensor.js';

const encoder = new TextEncoder();

/**
 * A version's example request as the tensors its runtime takes, repeated to `rows` rows
 * where the model takes a batch (undefined when it cannot: a fixed batch dimension).
 * Records by column become `[n, 1]` tensors per input, as `/predict` sends them.
 */
export function exampleTensors(
  example: ExampleRequest,
  signature: Signature,
  rows: number,
): { inputs: Tensor[]; parameters?: Record<string, number> } | undefined {
  if (example.recommend) {
    const users = Array.from({ length: rows }, () => encoder.encode(example.recommend?.user ?? ''));
    return {
      inputs: [{ name: 'user', datatype: 'BYTES', shape: [rows], data: users }],
      parameters: { k: example.recommend.k },
    };
  }
  if (example.instances?.length) {
    const records = Array.from(
      { length: rows },
      (_, i) => example.instances?.[i % (example.instances?.length ?? 1)] ?? {},
    );
    return { inputs: recordTensors(records, signature) };
  }
  const inputs: Tensor[] = [];
  for (const given of example.inputs ?? []) {
    const spec = signature.inputs.find((s) => s.name === given.name);
    const datatype = given.datatype as TensorDatatype;
    const one = decodeJsonData(given.name, datatype, elementCount(given.shape), given.data);
    if (rows === (given.shape[0] ?? 1)) {
      inputs.push({ name: given.name, datatype, shape: given.shape, data: one });
      continue;
    }
    if (!spec || spec.shape[0] !== -1 || given.shape[0] !== 1) return undefined;
    const shape = [rows, ...given.shape.slice(1)];
    const data = Array.isArray(one)
      ? Array.from({ length: rows * one.length }, (_, i) => one[i % one.length] as Uint8Array)
      : repeatTyped(one, rows);
    inputs.push({ name: given.name, datatype, shape, data });
  }
  return { inputs };
}

/** Records by column as `[n, 1]` tensors: BYTES inputs take text, the others numbers (missing: NaN). */
export function recordTensors(records: Array<Record<string, unknown>>, signature: Signature): Tensor[] {
  const n = records.length;
  return signature.inputs.map((spec): Tensor => {
    if (spec.datatype === 'BYTES') {
      const data = records.map((r) =>
        encoder.encode(r[spec.name] === null || r[spec.name] === undefined ? '' : String(r[spec.name])),
      );
      return { name: spec.name, datatype: 'BYTES', shape: [n, 1], data };
    }
    const data = Float32Array.from(records, (r) => {
      const v = r[spec.name];
      return v === null || v === undefined || v === '' ? Number.NaN : Number(v);
    });
    return { name: spec.name, datatype: 'FP32', shape: [n, 1], data };
  });
}

function repeatTyped<T extends Exclude<Tensor['data'], Uint8Array[]>>(one: T, times: number): T {
  const Ctor = one.constructor as new (n: number) => T;
  const out = new Ctor(one.length * times);
  for (let i = 0; i < times; i++) (out as unknown as { set(a: T, o: number): void }).set(one, i * one.length);
  return out;
}
