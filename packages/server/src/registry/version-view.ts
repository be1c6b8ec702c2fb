import { exampleFromSignature } from './example-request.js';
import type { ExampleRequest, Signature, TrainingDetails, VersionView } from './model-views.js';
import type { VersionRow } from './registry-store.js';

/** A stored version row as the API shows it (JSON columns parsed; an example made from the signature when none is stored). */
export function toVersionView(model: string, r: VersionRow): VersionView {
  const signature = JSON.parse(r.signature) as Signature;
  return {
    model,
    version: r.version,
    format: r.format,
    sha256: r.sha256,
    sizeBytes: r.size_bytes,
    signature,
    source: r.details ? 'training' : 'upload',
    hasNative: r.native_sha256 !== null,
    details: r.details ? (JSON.parse(r.details) as TrainingDetails) : null,
    example: r.example ? (JSON.parse(r.example) as ExampleRequest) : exampleFromSignature(signature),
    verification: r.verification ? (JSON.parse(r.verification) as Record<string, unknown>) : null,
    createdBy: r.created_by,
    createdAt: r.created_at,
  };
}
