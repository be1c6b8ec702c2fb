import { isTensorDatatype, type TensorDatatype } from '@marquee/engine';
import { BoundedMemo } from '../../bounded-memo.js';
import { Invalid } from '../../errors.js';
import type { InferRequest, InferResponse, RequestedOutput, Tensor, TensorData } from '../../serving/tensor.js';
import { elementCount } from '../../serving/tensor.js';
import { decodeCommonInfer } from './common-infer-json.js';
import { decodeJsonData, encodeJsonData } from './json-tensor-codec.js';
import { NumericRun, parseNumericJson, withPlainArrays } from './numeric-json.js';
import { decodeRaw, encodeRaw } from './raw-tensor-codec.js';

export const HEADER_LENGTH = 'inference-header-content-length';

/**
 * JSON parts up to this size (about 100 numbers) are read by JSON.parse: for a short row
 * its heap arrays cost less than NumericRuns' own ArrayBuffers (a 20-value request: 4 µs
 * against 19 µs in a loop, and about 40 µs less server CPU a request under load); above
 * it, runs save building one heap value per number (784 values: 27 µs against 49).
 */
const PLAIN_JSON_MAX_BYTES = 0;

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof NumericRun);

/**
 * Decodes an OIP REST inference request: a JSON object, optionally followed by binary
 * tensor data (`Inference-Header-Content-Length` gives the JSON part's length, inputs with
 * `binary_data_size` take their bytes from the rest, in order). The common shapes take the
 * byte reader's path; the rest, and every request with something wrong, the general one.
 */
export function decodeRestInfer(body: Buffer, headerLengthText: string | undefined): InferRequest {
  let jsonLength = body.length;
  if (headerLengthText !== undefined) {
    const n = Number(headerLengthText);
    if (!Number.isInteger(n) || n < 0)
      throw new Invalid(`Inference-Header-Content-Length must be a byte count, got "${headerLengthText}"`);
    if (n > body.length) {
      throw new Invalid(`Inference-Header-Content-Length (${n}) is larger than the body (${body.length} bytes)`);
    }
    jsonLength = n;
  }
  return decodeCommonInfer(body, jsonLength) ?? decodeGeneralInfer(body, jsonLength);
}

/** Any request the protocol allows, JSON part `body[0, jsonLength)`, through a parsed document. */
export function decodeGeneralInfer(body: Buffer, jsonLength: number): InferRequest {
  let doc: unknown;
  try {
    // Large bodies: number-only arrays arrive as NumericRuns, which only tensor data keeps
    // (decodeJsonData). Small ones: JSON.parse's own arrays cost less than building runs.
    doc =
      jsonLength <= PLAIN_JSON_MAX_BYTES
        ? JSON.parse(body.toString('utf8', 0, jsonLength))
        : parseNumericJson(body, 0, jsonLength);
  } catch (err) {
    throw new Invalid(`malformed JSON: ${(err as Error).message}`);
  }
  if (!isObject(doc)) throw new Invalid('the request body must be a JSON object');
  for (const key in doc) {
    // Tensor data keeps its runs; "inputs" itself is a plain array (of objects, when valid).
    if (key === 'inputs' && !(doc.inputs instanceof NumericRun)) continue;
    const v = doc[key];
    if (typeof v !== 'object' || v === null) continue;
    const w = withPlainArrays(v);
    // "__proto__" is an own key in JSON.parse's objects; assigning it would set the prototype.
    if (w !== v && key !== '__proto__') doc[key] = w;
  }
  if (!Array.isArray(doc.inputs)) throw new Invalid('the request must have an "inputs" array');
  if (doc.id !== undefined && typeof doc.id !== 'string') throw new Invalid('"id" must be a string');

  let offset = jsonLength;
  const inputs: Tensor[] = new Array(doc.inputs.length);
  for (let i = 0; i < inputs.length; i++) {
    const raw: unknown = doc.inputs[i];
    if (!isObject(raw)) throw new Invalid(`inputs[${i}] must be an object`);
    const { name, datatype } = raw;
    const shape = withPlainArrays(raw.shape);
    if (typeof name !== 'string' || name === '') throw new Invalid(`inputs[${i}] needs a "name"`);
    if (!isTensorDatatype(datatype)) throw new Invalid(`input "${name}": unknown datatype ${JSON.stringify(datatype)}`);
    if (!Array.isArray(shape)) throw new Invalid(`input "${name}": "shape" must be an array`);
    const count = elementCount(shape as number[], `input "${name}": shape`);
    // Read without writing back: a new property on the parsed object would change its shape per request.
    const params = raw.parameters === undefined ? undefined : withPlainArrays(raw.parameters);
    const binarySize = isObject(params) ? params.binary_data_size : undefined;
    if (binarySize !== undefined) {
      if (typeof binarySize !== 'number' || !Number.isInteger(binarySize) || binarySize < 0) {
        throw new Invalid(`input "${name}": binary_data_size must be a byte count`);
      }
      if (offset + binarySize > body.length) {
        throw new Invalid(`input "${name}": binary_data_size ${binarySize} runs past the end of the body`);
      }
      const data = decodeRaw(name, datatype, count, body.subarray(offset, offset + binarySize));
      offset += binarySize;
      inputs[i] = { name, datatype, shape: shape as number[], data };
      continue;
    }
    if (raw.data === undefined) throw new Invalid(`input "${name}" has neither "data" nor binary_data_size`);
    inputs[i] = { name, datatype, shape: shape as number[], data: decodeJsonData(name, datatype, count, raw.data) };
  }
  if (offset !== body.length)
    throw new Invalid(`${body.length - offset} bytes of binary data are not claimed by any input`);

  const params = isObject(doc.parameters) ? doc.parameters : undefined;
  let outputs: RequestedOutput[] | undefined;
  if (doc.outputs !== undefined) {
    if (!Array.isArray(doc.outputs)) throw new Invalid('"outputs" must be an array');
    outputs = doc.outputs.map((o: unknown, i: number) => {
      if (!isObject(o) || typeof o.name !== 'string') throw new Invalid(`outputs[${i}] needs a "name"`);
      const p = isObject(o.parameters) ? o.parameters : {};
      return { name: o.name, binary: typeof p.binary_data === 'boolean' ? p.binary_data : undefined };
    });
  }
  return {
    id: doc.id as string | undefined,
    inputs,
    outputs,
    binaryOutputs: params?.binary_data_output === true,
    parameters: params && scalarParameters(params),
  };
}

/** Request parameters other than the binary extension's, kept when they are scalars. */
function scalarParameters(params: Record<string, unknown>): Record<string, string | number | boolean> | undefined {
  const out: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(params)) {
    if (k === 'binary_data_output') continue;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = v;
  }
  return Object.keys(out).length ? out : undefined;
}

/**
 * The answer body and, when any output is binary, the JSON part's length for the header.
 * Written as text directly: numeric typed arrays join into JSON arrays without an
 * intermediate array of numbers (the predict path's most frequent allocation).
 */
export function encodeRestInfer(res: InferResponse): { body: string | Buffer; headerLength?: number } {
  const blobs: Buffer[] = [];
  let outputs = '';
  for (const t of res.outputs) {
    if (outputs) outputs += ',';
    outputs += `{"name":${quotedNames.get(t.name)},"datatype":"${t.datatype}","shape":[${t.shape.join(',')}]`;
    if (t.binary) {
      const raw = encodeRaw(t.datatype, t.data);
      blobs.push(raw);
      outputs += `,"parameters":{"binary_data_size":${raw.length}}}`;
    } else {
      outputs += `,"data":${jsonArrayText(t.datatype, t.data)}}`;
    }
  }
  const id = res.id === undefined ? '' : `,"id":${JSON.stringify(res.id)}`;
  const json = `{"model_name":${quotedNames.get(res.modelName)},"model_version":${quotedNames.get(res.modelVersion)}${id},"outputs":[${outputs}]}`;
  if (blobs.length === 0) return { body: json };
  const head = Buffer.from(json, 'utf8');
  return { body: Buffer.concat([head, ...blobs]), headerLength: head.length };
}

// Names answered lately (models, versions, outputs: a few strings, each on every answer)
// as JSON text; a lookup costs less than JSON.stringify's walk of the characters.
const quotedNames = new BoundedMemo((name) => JSON.stringify(name), 1024);

function jsonArrayText(datatype: TensorDatatype, data: TensorData): string {
  switch (datatype) {
    case 'FP32':
    case 'FP64': {
      const d = data as Float32Array;
      // NaN and infinities have no JSON number: let JSON.stringify write them as null.
      for (let i = 0; i < d.length; i++)
        if (!Number.isFinite(d[i])) return JSON.stringify(encodeJsonData(datatype, data));
      return `[${d.join(',')}]`;
    }
    case 'INT8':
    case 'INT16':
    case 'INT32':
    case 'INT64':
    case 'UINT8':
    case 'UINT16':
    case 'UINT32':
    case 'UINT64':
      return `[${(data as Int32Array).join(',')}]`;
    default:
      return JSON.stringify(encodeJsonData(datatype, data));
  }
}
