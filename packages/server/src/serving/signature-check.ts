import { Invalid } from '../errors.js';
import type { Signature } from '../registry/model-views.js';
import type { InferRequest, Tensor } from './tensor.js';

/**
 * Checks a decoded request against a version's signature and returns the inputs in
 * signature order: every input present once, known, of the declared datatype and rank,
 * fixed dimensions equal, batch sizes consistent; every requested output known.
 */
export function checkAgainstSignature(signature: Signature, request: InferRequest): Tensor[] {
  // Most models take one input: checked without building a map of names per request.
  const byName = request.inputs.length === 1 && signature.inputs.length === 1 ? undefined : namesOf(request.inputs);
  const ordered: Tensor[] = [];
  let batch: number | undefined;
  for (const spec of signature.inputs) {
    const t = byName ? byName.get(spec.name) : request.inputs[0]?.name === spec.name ? request.inputs[0] : undefined;
    if (!t) throw new Invalid(`missing input "${spec.name}"`);
    byName?.delete(spec.name);
    if (t.datatype !== spec.datatype && !spec.alsoAccepts?.includes(t.datatype)) {
      throw new Invalid(`input "${t.name}" has datatype ${t.datatype}; the model expects ${spec.datatype}`);
    }
    if (t.shape.length !== spec.shape.length) {
      throw new Invalid(
        `input "${t.name}" has shape [${t.shape.join(', ')}]; the model expects rank ${spec.shape.length} ([${spec.shape.join(', ')}])`,
      );
    }
    for (let i = 0; i < spec.shape.length; i++) {
      const d = spec.shape[i] as number;
      if (d >= 0 && t.shape[i] !== d) {
        throw new Invalid(
          `input "${t.name}" has shape [${t.shape.join(', ')}]; the model expects [${spec.shape.join(', ')}]`,
        );
      }
    }
    if (spec.shape[0] === -1 && t.shape.length > 0) {
      if (batch !== undefined && t.shape[0] !== batch) {
        throw new Invalid(`inputs disagree on the batch size (${batch} and ${t.shape[0]} for "${t.name}")`);
      }
      batch = t.shape[0];
    }
    ordered.push(t);
  }
  if (byName && byName.size > 0) throw new Invalid(`unknown input "${[...byName.keys()][0]}"`);
  for (const o of request.outputs ?? []) {
    if (!signature.outputs.some((s) => s.name === o.name)) throw new Invalid(`unknown output "${o.name}"`);
  }
  return ordered;
}

function namesOf(inputs: Tensor[]): Map<string, Tensor> {
  const byName = new Map<string, Tensor>();
  for (const t of inputs) {
    if (byName.has(t.name)) throw new Invalid(`input "${t.name}" is given twice`);
    byName.set(t.name, t);
  }
  return byName;
}
