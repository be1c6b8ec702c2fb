import { Invalid } from '../errors.js';
import type { ExampleRequest, Signature } from './model-views.js';

const MAX_EXAMPLE_VALUES = 10_000;

/**
 * The example of a version nobody gave one for: one row of each input, zeros for numbers
 * and an empty string for text, shaped by the signature (a dynamic dimension becomes 1).
 */
export function exampleFromSignature(signature: Signature): ExampleRequest {
  return {
    source: 'signature',
    inputs: signature.inputs.map((spec) => {
      const shape = spec.shape.map((d) => (d < 0 ? 1 : d));
      const n = shape.reduce((a, b) => a * b, 1);
      const value = spec.datatype === 'BYTES' ? '' : spec.datatype === 'BOOL' ? false : 0;
      return {
        name: spec.name,
        datatype: spec.datatype,
        shape,
        data: new Array(Math.min(n, MAX_EXAMPLE_VALUES)).fill(value),
      };
    }),
  };
}

/** An uploader's example: OIP JSON inputs that match the signature by name, datatype and shape. */
export function checkUploadedExample(
  inputs: Array<{ name: string; datatype: string; shape: number[]; data: unknown[] }>,
  signature: Signature,
): ExampleRequest {
  const specs = new Map(signature.inputs.map((s) => [s.name, s]));
  for (const input of inputs) {
    const spec = specs.get(input.name);
    if (!spec) throw new Invalid(`the model has no input "${input.name}" (inputs: ${[...specs.keys()].join(', ')})`);
    const accepted = [spec.datatype, ...((spec as { alsoAccepts?: string[] }).alsoAccepts ?? [])];
    if (!accepted.includes(input.datatype))
      throw new Invalid(`input "${input.name}" is ${spec.datatype}, not ${input.datatype}`);
    if (
      input.shape.length !== spec.shape.length ||
      input.shape.some((d, i) => spec.shape[i] !== -1 && spec.shape[i] !== d)
    )
      throw new Invalid(`input "${input.name}" has shape [${spec.shape}], which [${input.shape}] does not fit`);
    const n = input.shape.reduce((a, b) => a * b, 1);
    if (n !== input.data.length || n > MAX_EXAMPLE_VALUES)
      throw new Invalid(
        `input "${input.name}": shape [${input.shape}] needs ${n} values (at most ${MAX_EXAMPLE_VALUES}), data has ${input.data.length}`,
      );
  }
  for (const name of specs.keys()) {
    if (!inputs.some((i) => i.name === name)) throw new Invalid(`the example has no input "${name}"`);
  }
  return { source: 'uploader', inputs };
}
