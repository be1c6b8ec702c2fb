import { Invalid } from '../errors.js';
import type { Signature } from '../registry/model-views.js';
import type { InferRequest, Tensor } from './tensor.js';

/**
 * Checks a decoded request against a version's signature and returns the inputs in
 * signature order: every input present once, known, of the declared datatype and rank,
 * fixed dimensions equal, batch sizes consistent; every requested output known.
 */
export function checkAgainstSignature(signature: Signature, request: InferRequest): Tensor[] {
  const byName = new Map<string, Tensor>();
  for (const t of request.inputs) {
    if (byName.has(t.name)) throw new Invalid(`input "${t.name}" is given twice`);
    byName.set(t.name, t);
  }
  const ordered: Tensor[] = [];
  let batch: number | undefined;
  for (const spec of signature.inputs) {
    const t = byName.get(spec.name);
    if (!t) throw new Invalid(`missing input "${spec.name}"`);
    byName.delete(spec.name);
    if (t.datatype !== spec.datatype && !spec.alsoAccepts?.includes(t.datatype)) {
      throw new Invalid(`input "${t.name}" has datatype ${t.datatype}; the model expects ${spec.datatype}`);
    }
    if (t.shape.length !== spec.shape.length) {
      throw new Invalid(
        `input "${t.name}" has shape [${t.shape.join(', ')}]; the model expects rank ${spec.shape.length} ([${spec.shape.join(', ')}])`,
      );
    }
    spec.shape.forEach((d, i) => {
      if (d >= 0 && t.shape[i] !== d) {
        throw new Invalid(
          `input "${t.name}" has shape [${t.shape.join(', ')}]; the model expects [${spec.shape.join(', ')}]`,
        );
      }
    });
    if (spec.shape[0] === -1 && t.shape.length > 0) {
      if (batch !== undefined && t.shape[0] !== batch) {
        throw new Invalid(`inputs disagree on the batch size (${batch} and ${t.shape[0]} for "${t.name}")`);
      }
      batch = t.shape[0];
    }
    ordered.push(t);
  }
  const unknown = [...byName.keys()];
  if (unknown.length > 0) throw new Invalid(`unknown input "${unknown[0]}"`);
  for (const o of request.outputs ?? []) {
    if (!signature.outputs.some((s) => s.name === o.name)) throw new Invalid(`unknown output "${o.name}"`);
  }
  return ordered;
}
