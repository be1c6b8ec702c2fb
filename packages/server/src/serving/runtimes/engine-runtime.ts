import fs from 'node:fs';
import { type Column, categoricalFrom, Frame, ModelPipeline } from '@marquee/engine';
import type { Signature } from '../../registry/model-views.js';
import type { Tensor } from '../tensor.js';
import type { ModelRuntime } from './model-runtime.js';

const decoder = new TextDecoder();
const encoder = new TextEncoder();

// The pipeline's arrays plus the vocabulary's strings, kept as JavaScript objects.
const MEMORY_FACTOR = 3;
const MEMORY_OVERHEAD = 1024 * 1024;

/**
 * Runs a trained version with the engine itself, for pipelines that have no ONNX form
 * (character n-gram text features, hashing). It takes and gives the tensors an ONNX
 * export would: one [N, 1] input per column (FP32 numbers, BYTES strings) and
 * `label_name` + `probabilities`, or `value`.
 */
export class EngineRuntime implements ModelRuntime {
  private constructor(
    private readonly model: ModelPipeline,
    readonly memoryBytes: number,
  ) {}

  static async load(path: string): Promise<EngineRuntime> {
    const bytes = new Uint8Array(await fs.promises.readFile(path));
    return new EngineRuntime(ModelPipeline.fromArtifact(bytes), EngineRuntime.estimateMemory(bytes.length));
  }

  static estimateMemory(sizeBytes: number): number {
    return Math.ceil(sizeBytes * MEMORY_FACTOR) + MEMORY_OVERHEAD;
  }

  /** The OIP signature of a pipeline served this way. */
  static signatureOf(model: ModelPipeline): Signature {
    const sig = model.signature();
    return {
      inputs: sig.inputs.map((i) => ({
        name: i.name,
        datatype: i.kind === 'numeric' ? 'FP32' : 'BYTES',
        shape: [-1, 1],
      })),
      outputs: sig.outputs.map((o) => ({
        name: o.name,
        datatype: o.datatype,
        shape: o.classes ? [-1, o.classes.length] : [-1],
      })),
    };
  }

  async run(inputs: Tensor[], outputNames: readonly string[]): Promise<Map<string, Tensor>> {
    const kinds = new Map(this.model.signature().inputs.map((i) => [i.name, i.kind]));
    const columns = inputs.map((t): [string, Column] => {
      const kind = kinds.get(t.name);
      if (t.datatype === 'BYTES') {
        const values = (t.data as Uint8Array[]).map((b) => decoder.decode(b));
        if (kind === 'text') return [t.name, { kind: 'text', values }];
        return [t.name, categoricalFrom(values)];
      }
      return [t.name, { kind: 'numeric', values: Float64Array.from(t.data as Float32Array) }];
    });
    const frame = new Frame(columns);
    const n = frame.nRows;
    const out = new Map<string, Tensor>();
    if (this.model.target.task === 'regression') {
      const values = this.model.predict(frame) as Float64Array;
      out.set('value', { name: 'value', datatype: 'FP32', shape: [n], data: Float32Array.from(values) });
    } else {
      const labels = this.model.predict(frame) as string[];
      out.set('label_name', {
        name: 'label_name',
        datatype: 'BYTES',
        shape: [n],
        data: labels.map((l) => encoder.encode(l)),
      });
      if (outputNames.includes('probabilities')) {
        const k = this.model.target.classes.length;
        const proba = this.model.predictProba(frame);
        out.set('probabilities', {
          name: 'probabilities',
          datatype: 'FP32',
          shape: [n, k],
          data: Float32Array.from(proba),
        });
      }
    }
    for (const name of [...out.keys()]) if (!outputNames.includes(name)) out.delete(name);
    return out;
  }

  async dispose(): Promise<void> {}
}
