import { MarqueeApiError } from './api-error.js';
import { fromRawBytes, type OipTensor, toRawBytes } from './oip-tensors.js';
import type { Transport } from './transport.js';
import type { TensorSpec } from './types.js';

export interface InferOptions {
  version?: number | string;
  id?: string;
  /** Outputs to return; all when absent. */
  outputs?: string[];
  /** Send inputs and receive outputs with the binary tensor data extension. */
  binary?: boolean;
  /** Request-level parameters (a recommender's `k`, say). */
  parameters?: Record<string, string | number | boolean>;
}

export interface InferResult {
  model_name: string;
  model_version: string;
  id?: string;
  outputs: OipTensor[];
}

export interface ModelMetadata {
  name: string;
  versions: string[];
  platform: string;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
}

/** `owner/name` or `owner.name` → the OIP model name `owner.name`. */
export function oipModelName(model: string): string {
  return model.includes('/') ? model.replace('/', '.') : model;
}

/** The Open Inference Protocol v2 over REST (JSON, and the binary tensor data extension). */
export class OipClient {
  constructor(private readonly t: Transport) {}

  serverMetadata(): Promise<{ name: string; version: string; extensions: string[] }> {
    return this.t.json('GET', '/v2');
  }

  async live(): Promise<boolean> {
    return this.t.request('GET', '/v2/health/live').then(
      () => true,
      () => false,
    );
  }

  async ready(): Promise<boolean> {
    return this.t.request('GET', '/v2/health/ready').then(
      () => true,
      () => false,
    );
  }

  modelMetadata(model: string, version?: number | string): Promise<ModelMetadata> {
    return this.t.json('GET', modelPath(model, version));
  }

  async modelReady(model: string, version?: number | string): Promise<boolean> {
    try {
      return (await this.t.json<{ ready: boolean }>('GET', `${modelPath(model, version)}/ready`)).ready;
    } catch (err) {
      if (err instanceof MarqueeApiError && err.status === 400) return false;
      throw err;
    }
  }

  async infer(model: string, inputs: OipTensor[], opts: InferOptions = {}): Promise<InferResult> {
    const path = `${modelPath(model, opts.version)}/infer`;
    const outputs = opts.outputs?.map((name) => ({
      name,
      ...(opts.binary ? { parameters: { binary_data: true } } : {}),
    }));
    if (!opts.binary) {
      const body = {
        ...(opts.id !== undefined && { id: opts.id }),
        inputs: inputs.map((t) => ({ ...t, data: ArrayBuffer.isView(t.data) ? jsonValues(t.data) : t.data })),
        ...(outputs && { outputs }),
        ...(opts.parameters && { parameters: opts.parameters }),
      };
      return this.t.json('POST', path, body);
    }
    const blobs = inputs.map(toRawBytes);
    const header = new TextEncoder().encode(
      JSON.stringify({
        ...(opts.id !== undefined && { id: opts.id }),
        inputs: inputs.map((t, i) => ({
          name: t.name,
          datatype: t.datatype,
          shape: t.shape,
          parameters: { ...(t.parameters ?? {}), binary_data_size: (blobs[i] as Uint8Array).length },
        })),
        ...(outputs ? { outputs } : {}),
        parameters: { ...opts.parameters, binary_data_output: true },
      }),
    );
    const body = new Uint8Array(header.length + blobs.reduce((n, b) => n + b.length, 0));
    body.set(header, 0);
    let pos = header.length;
    for (const b of blobs) {
      body.set(b, pos);
      pos += b.length;
    }
    const res = await this.t.request('POST', path, {
      body,
      headers: {
        'content-type': 'application/octet-stream',
        'inference-header-content-length': String(header.length),
      },
    });
    return decodeInferResponse(
      new Uint8Array(await res.arrayBuffer()),
      res.headers.get('inference-header-content-length'),
    );
  }
}

/** Splits a response into its JSON part and binary outputs, decoding the latter into typed arrays. */
export function decodeInferResponse(bytes: Uint8Array, headerLength: string | null): InferResult {
  const jsonLength = headerLength === null ? bytes.length : Number(headerLength);
  const doc = JSON.parse(new TextDecoder().decode(bytes.subarray(0, jsonLength))) as InferResult;
  let pos = jsonLength;
  for (const o of doc.outputs) {
    const size = o.parameters?.binary_data_size;
    if (typeof size === 'number') {
      o.data = fromRawBytes(o.datatype, bytes.subarray(pos, pos + size));
      pos += size;
    }
  }
  return doc;
}

function jsonValues(data: ArrayBufferView): unknown[] {
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) return Array.from(data, Number);
  return Array.from(data as unknown as ArrayLike<number>);
}

function modelPath(model: string, version?: number | string): string {
  const name = encodeURIComponent(oipModelName(model));
  return version === undefined
    ? `/v2/models/${name}`
    : `/v2/models/${name}/versions/${encodeURIComponent(String(version))}`;
}
