import { DATATYPE_SIZE, isTensorDatatype, type TensorDatatype } from '@marquee/engine';
import type { InferRequest, RequestedOutput, Tensor } from '../../serving/tensor.js';
import { allocate } from '../../serving/tensor.js';
import { CLOSE_ARRAY, CLOSE_OBJECT, COMMA, JsonByteReader, OPEN_ARRAY, OPEN_OBJECT } from './json-byte-reader.js';
import { decodeRaw } from './raw-tensor-codec.js';

/**
 * The requests nearly every client sends, read straight from the bytes into typed arrays:
 *
 *   {"inputs":[{"name":"…","shape":[…],"datatype":"FP32"|"FP64","data":[…]}, …]}
 *
 * and the binary tensor extension's header, as Triton's and KServe's clients write it:
 * an input with `"parameters":{"binary_data_size":N}` instead of `data` (any fixed-size
 * datatype; its bytes follow the JSON part, in order), and beside "inputs" an "id",
 * `"outputs":[{"name":"…","parameters":{"binary_data":true|false}}, …]` and
 * `"parameters":{"binary_data_output":true|false}`. Keys in any order, whitespace
 * anywhere JSON allows it. No JavaScript value is made per number and no document is built
 * (a 20-value row: ~1 µs against ~2 µs for JSON.parse plus checks). Anything else —
 * another key, escapes in a string, a nested or mismatched `data`, a number needing more
 * than 15 digits, binary sizes that do not add up — answers undefined and the general
 * decoder reads the request (and says what is wrong), so this path only ever accepts what
 * that one would decode to the same request.
 */
export function decodeCommonInfer(body: Buffer, jsonLength = body.length): InferRequest | undefined {
  const r = new JsonByteReader(body, jsonLength, WORDS);
  if (!r.take(OPEN_OBJECT)) return undefined;
  let inputs: PendingInput[] | undefined;
  let outputs: RequestedOutput[] | undefined;
  let id: string | undefined;
  let binaryOutputs = -1;
  do {
    const key = r.key();
    if (key === INPUTS && !inputs) {
      inputs = readInputs(r);
      if (!inputs) return undefined;
    } else if (key === OUTPUTS && !outputs) {
      outputs = readOutputs(r);
      if (!outputs) return undefined;
    } else if (key === PARAMETERS && binaryOutputs < 0) {
      binaryOutputs = readFlagObject(r, BINARY_DATA_OUTPUT);
      if (binaryOutputs < 0) return undefined;
    } else if (key === ID && id === undefined) {
      if (!r.string()) return undefined;
      id = r.text();
    } else return undefined;
  } while (r.take(COMMA));
  if (!r.take(CLOSE_OBJECT) || !r.atEnd() || !inputs) return undefined;

  const tensors = new Array<Tensor>(inputs.length);
  let offset = jsonLength;
  for (let i = 0; i < inputs.length; i++) {
    const { name, datatype, shape, count, data, binarySize } = inputs[i] as PendingInput;
    if (data) {
      tensors[i] = { name, datatype, shape, data };
      continue;
    }
    // decodeRaw would refuse these; leave the message to the general decoder.
    if (datatype === 'BYTES' || binarySize !== count * DATATYPE_SIZE[datatype]) return undefined;
    if (offset + binarySize > body.length) return undefined;
    tensors[i] = {
      name,
      datatype,
      shape,
      data: decodeRaw(name, datatype, count, body.subarray(offset, offset + binarySize)),
    };
    offset += binarySize;
  }
  if (offset !== body.length) return undefined;
  return { id, inputs: tensors, outputs, binaryOutputs: binaryOutputs === 1, parameters: undefined };
}

/** An input as read from the JSON part: its data now, or the size of its bytes after it. */
interface PendingInput {
  name: string;
  datatype: TensorDatatype;
  shape: number[];
  count: number;
  data: Float32Array | Float64Array | undefined;
  binarySize: number;
}

// The words this reader knows, compared as bytes: no string is made for a key.
const INPUTS = 1;
const NAME = 2;
const SHAPE = 3;
const DATATYPE = 4;
const DATA = 5;
const FP32 = 6;
const FP64 = 7;
const OUTPUTS = 8;
const PARAMETERS = 9;
const ID = 10;
const BINARY_DATA_SIZE = 11;
const BINARY_DATA = 12;
const BINARY_DATA_OUTPUT = 13;
const WORDS = (
  [
    [INPUTS, 'inputs'],
    [NAME, 'name'],
    [SHAPE, 'shape'],
    [DATATYPE, 'datatype'],
    [DATA, 'data'],
    [FP32, 'FP32'],
    [FP64, 'FP64'],
    [OUTPUTS, 'outputs'],
    [PARAMETERS, 'parameters'],
    [ID, 'id'],
    [BINARY_DATA_SIZE, 'binary_data_size'],
    [BINARY_DATA, 'binary_data'],
    [BINARY_DATA_OUTPUT, 'binary_data_output'],
  ] as const
).map(([id, w]) => [id, Buffer.from(w, 'latin1')] as const);

/** `[input, …]`, at least one. */
function readInputs(r: JsonByteReader): PendingInput[] | undefined {
  if (!r.take(OPEN_ARRAY)) return undefined;
  const inputs: PendingInput[] = [];
  do {
    const input = readInput(r);
    if (!input) return undefined;
    inputs.push(input);
  } while (r.take(COMMA));
  return r.take(CLOSE_ARRAY) ? inputs : undefined;
}

function readInput(r: JsonByteReader): PendingInput | undefined {
  if (!r.take(OPEN_OBJECT)) return undefined;
  let name: string | undefined;
  let datatype: TensorDatatype | undefined;
  let shape: number[] | undefined;
  let count = -1;
  let binarySize = -1;
  do {
    const key = r.key();
    if (key === NAME && name === undefined) {
      if (!r.string()) return undefined;
      name = r.text();
      if (name === '') return undefined;
    } else if (key === DATATYPE && datatype === undefined) {
      const d = r.word();
      if (d === FP32) datatype = 'FP32';
      else if (d === FP64) datatype = 'FP64';
      else if (d !== 0) return undefined;
      else {
        const text = r.text();
        if (!isTensorDatatype(text)) return undefined;
        datatype = text;
      }
    } else if (key === SHAPE && shape === undefined) {
      shape = r.wholeNumbers();
      if (!shape) return undefined;
    } else if (key === DATA && count < 0 && binarySize < 0) {
      count = r.numbers();
      if (count < 0) return undefined;
    } else if (key === PARAMETERS && binarySize < 0 && count < 0) {
      if (!r.take(OPEN_OBJECT) || r.key() !== BINARY_DATA_SIZE) return undefined;
      binarySize = r.wholeNumber();
      if (binarySize < 0 || !r.take(CLOSE_OBJECT)) return undefined;
    } else return undefined;
  } while (r.take(COMMA));
  if (!r.take(CLOSE_OBJECT) || name === undefined || !datatype || !shape) return undefined;
  let elements = 1;
  for (const d of shape) elements *= d;
  if (binarySize >= 0) return { name, datatype, shape, count: elements, data: undefined, binarySize };
  // JSON numbers only for the float types: the others have their own rules (integers, ranges).
  if (elements !== count || (datatype !== 'FP32' && datatype !== 'FP64')) return undefined;
  const data = allocate(datatype, count) as Float32Array | Float64Array;
  data.set(r.gathered(count));
  return { name, datatype, shape, count, data, binarySize };
}

/** `[{"name":"…","parameters":{"binary_data":true|false}}, …]`, the parameters optional. */
function readOutputs(r: JsonByteReader): RequestedOutput[] | undefined {
  if (!r.take(OPEN_ARRAY)) return undefined;
  const outputs: RequestedOutput[] = [];
  if (r.take(CLOSE_ARRAY)) return outputs;
  do {
    if (!r.take(OPEN_OBJECT)) return undefined;
    let name: string | undefined;
    let binary = -1;
    do {
      const key = r.key();
      if (key === NAME && name === undefined) {
        if (!r.string()) return undefined;
        name = r.text();
      } else if (key === PARAMETERS && binary < 0) {
        binary = readFlagObject(r, BINARY_DATA);
        if (binary < 0) return undefined;
      } else return undefined;
    } while (r.take(COMMA));
    if (!r.take(CLOSE_OBJECT) || name === undefined) return undefined;
    outputs.push({ name, binary: binary === 0 || binary === 1 ? binary === 1 : undefined });
  } while (r.take(COMMA));
  return r.take(CLOSE_ARRAY) ? outputs : undefined;
}

/** `{}` or `{"<word>":true|false}`: 2 for `{}`, else 1 or 0; -1 for anything else. */
function readFlagObject(r: JsonByteReader, word: number): number {
  if (!r.take(OPEN_OBJECT)) return -1;
  if (r.take(CLOSE_OBJECT)) return 2;
  if (r.key() !== word) return -1;
  const v = r.boolean();
  return v >= 0 && r.take(CLOSE_OBJECT) ? v : -1;
}
