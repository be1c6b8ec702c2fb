import fs from 'node:fs';
import { guardedNativeCall, onGuardedThread, type TensorDatatype } from '@marquee/engine';
import * as ort from 'onnxruntime-node';
// The native session itself (onnxruntime-node's own, synchronous; the package is pinned):
// the public InferenceSession wraps every run in argument checks, a setImmediate and two
// promises, and every output in a second Tensor, which cost more than a small model's run.
import { type Binding, binding, initOrt } from 'onnxruntime-node/dist/binding.js';
import { Invalid } from '../../errors.js';
import type { Tensor, TensorData } from '../tensor.js';
import type { ModelRuntime } from './model-runtime.js';

const ORT_TYPE: Partial<Record<TensorDatatype, ort.Tensor.Type>> = {
  BOOL: 'bool',
  UINT8: 'uint8',
  UINT16: 'uint16',
  UINT32: 'uint32',
  UINT64: 'uint64',
  INT8: 'int8',
  INT16: 'int16',
  INT32: 'int32',
  INT64: 'int64',
  FP16: 'float16',
  FP32: 'float32',
  FP64: 'float64',
  BYTES: 'string',
};

const DATATYPE_OF: Record<string, TensorDatatype> = Object.fromEntries(
  Object.entries(ORT_TYPE).map(([k, v]) => [v, k as TensorDatatype]),
);

// ORT keeps the weights once more beside the file's bytes, plus arenas for small models.
const MEMORY_FACTOR = 1.5;
const MEMORY_OVERHEAD = 1024 * 1024;

const SESSION_OPTIONS: ort.InferenceSession.SessionOptions = {
  // Requests are small and many; one intra-op thread per run avoids oversubscribing two
  // cores when several runs (and the event loop) compete.
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  graphOptimizationLevel: 'all',
  executionMode: 'sequential',
};

export class OnnxRuntime implements ModelRuntime {
  private constructor(
    private readonly session: Binding.InferenceSession,
    readonly memoryBytes: number,
  ) {}

  static async load(path: string): Promise<OnnxRuntime> {
    const size = (await fs.promises.stat(path)).size;
    const open = async () => {
      initOrt();
      const session = new binding.InferenceSession();
      session.loadModel(path, SESSION_OPTIONS);
      return session;
    };
    // On a job's thread (publish, evaluation), a cancel waits for ONNX Runtime to return:
    // cutting a native call aborts the process. The serving path checks one boolean.
    const session = onGuardedThread ? await guardedNativeCall(open) : await open();
    return new OnnxRuntime(session, Math.ceil(size * MEMORY_FACTOR) + MEMORY_OVERHEAD);
  }

  static estimateMemory(sizeBytes: number): number {
    return Math.ceil(sizeBytes * MEMORY_FACTOR) + MEMORY_OVERHEAD;
  }

  async run(inputs: Tensor[], outputNames: readonly string[]): Promise<Map<string, Tensor>> {
    const feeds: Record<string, ort.Tensor> = {};
    for (const t of inputs) feeds[t.name] = toOrt(t);
    const fetches: Record<string, null> = {};
    for (const name of outputNames) fetches[name] = null;
    const results = onGuardedThread
      ? await guardedNativeCall(async () => this.session.run(feeds, fetches, {}))
      : this.session.run(feeds, fetches, {});
    const out = new Map<string, Tensor>();
    for (const name of outputNames) {
      const r = results[name] as ort.Tensor | undefined;
      if (!r) throw new Error(`the model did not produce output "${name}"`);
      out.set(name, fromOrt(name, r));
    }
    return out;
  }

  async dispose(): Promise<void> {
    this.session.dispose();
  }
}

function toOrt(t: Tensor): ort.Tensor {
  const type = ORT_TYPE[t.datatype];
  if (!type) throw new Invalid(`ONNX Runtime cannot take ${t.datatype} tensors (input "${t.name}")`);
  if (t.datatype === 'BYTES') {
    const strings = (t.data as Uint8Array[]).map((b) =>
      Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8'),
    );
    return new ort.Tensor('string', strings, t.shape);
  }
  return new ort.Tensor(type, t.data as Exclude<TensorData, Uint8Array[]>, t.shape);
}

function fromOrt(name: string, r: ort.Tensor): Tensor {
  const datatype = DATATYPE_OF[r.type];
  if (!datatype) throw new Error(`output "${name}" has type ${r.type}, which the protocol cannot carry`);
  const shape = r.dims.map(Number);
  if (datatype === 'BYTES') {
    return { name, datatype, shape, data: (r.data as string[]).map((s) => Buffer.from(s, 'utf8')) };
  }
  return { name, datatype, shape, data: r.data as Exclude<TensorData, Uint8Array[]> };
}
