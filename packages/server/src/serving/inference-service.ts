import type { Principal } from '../auth/scopes.js';
import { NotFound } from '../errors.js';
import type { ModelEntry, ResolvedVersion, Signature } from '../registry/model-views.js';
import type { RegistryService } from '../registry/registry-service.js';
import type { RuntimeCache } from './runtime-cache.js';
import { checkAgainstSignature } from './signature-check.js';
import type { InferRequest, InferResponse } from './tensor.js';

export interface ModelMetadata {
  name: string;
  versions: string[];
  platform: string;
  inputs: Signature['inputs'];
  outputs: Signature['outputs'];
}

/**
 * The protocol-free predict path: resolve `owner.name` (OIP naming) and a version,
 * check the request against the signature, run it through the version's batcher, pick
 * the requested outputs. REST and gRPC adapters both call this.
 */
export class InferenceService {
  private served: ((modelId: number) => void) | undefined;

  constructor(
    private readonly registry: RegistryService,
    private readonly cache: RuntimeCache,
  ) {}

  /** Told the model id of every answered request (usage counting; must be cheap). */
  onServed(count: (modelId: number) => void): void {
    this.served = count;
  }

  async resolve(
    caller: Principal,
    oipName: string,
    version?: string,
  ): Promise<{ entry: ModelEntry; version: ResolvedVersion }> {
    const entry = await this.registry.entryFor(caller, fullNameOf(oipName));
    return { entry, version: this.registry.pickVersion(entry, version) };
  }

  /** resolve() from cached entries only; undefined when the registry must be asked. */
  private resolveCached(caller: Principal, oipName: string, version?: string): ResolvedVersion | undefined {
    const entry = this.registry.cachedEntry(caller, fullNameOf(oipName));
    return entry && this.registry.pickVersion(entry, version);
  }

  async metadata(caller: Principal, oipName: string, version?: string): Promise<ModelMetadata> {
    const { entry, version: v } = await this.resolve(caller, oipName, version);
    return {
      name: oipName,
      versions: entry.versionList.map(String),
      platform: v.format === 'onnx' ? 'onnx_onnxv1' : 'marquee_engine',
      inputs: v.signature.inputs.map(({ name, datatype, shape }) => ({ name, datatype, shape })),
      outputs: v.signature.outputs,
    };
  }

  /** Ready when the version resolves and its session loads (loading it now if needed). */
  async ready(caller: Principal, oipName: string, version?: string): Promise<boolean> {
    const { version: v } = await this.resolve(caller, oipName, version);
    try {
      const lease = await this.cache.acquire(v);
      lease.release();
      return true;
    } catch {
      return false;
    }
  }

  async infer(
    caller: Principal,
    oipName: string,
    version: string | undefined,
    request: InferRequest,
  ): Promise<InferResponse> {
    // The common case (model cached, session loaded) runs without awaiting anything but the run.
    const v = this.resolveCached(caller, oipName, version) ?? (await this.resolve(caller, oipName, version)).version;
    const inputs = checkAgainstSignature(v.signature, request);
    const lease = this.cache.tryAcquire(v) ?? (await this.cache.acquire(v));
    let results: Awaited<ReturnType<typeof lease.batcher.submit>>;
    try {
      results = await lease.batcher.submit(inputs, request.parameters);
    } finally {
      lease.release();
    }
    this.served?.(v.modelId);
    const wanted = request.outputs?.length
      ? request.outputs
      : v.signature.outputs.map((o) => ({ name: o.name, binary: undefined }));
    return {
      modelName: oipName,
      modelVersion: String(v.version),
      id: request.id,
      outputs: wanted.map((o) => ({
        ...(results.get(o.name) as NonNullable<ReturnType<typeof results.get>>),
        binary: o.binary ?? request.binaryOutputs ?? false,
      })),
    };
  }
}

/** OIP names a model `owner.name`; the registry `owner/name`. */
function fullNameOf(oipName: string): string {
  const dot = oipName.indexOf('.');
  if (dot <= 0 || dot === oipName.length - 1) {
    throw new NotFound(`unknown model "${oipName}" (OIP model names are owner.name)`);
  }
  return `${oipName.slice(0, dot)}/${oipName.slice(dot + 1)}`;
}
