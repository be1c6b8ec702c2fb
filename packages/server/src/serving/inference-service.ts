import type { Principal } from '../auth/scopes.js';
import { BoundedMemo } from '../bounded-memo.js';
import { NotFound } from '../errors.js';
import type { RoutingKeys } from '../registry/model-entries.js';
import type { ModelEntry, ResolvedVersion, Signature } from '../registry/model-views.js';
import type { RegistryService } from '../registry/registry-service.js';
import { RolloutStats } from './deployments/rollout-stats.js';
import type { Lease, RuntimeCache } from './runtime-cache.js';
import { checkAgainstSignature } from './signature-check.js';
import type { InferRequest, InferResponse, Tensor } from './tensor.js';

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
  // OIP names seen lately and their registry names: building `owner/name` anew made a
  // string (and its hash, for the entry cache) on every request.
  private readonly fullNames = new BoundedMemo(fullNameOf, 1024);

  constructor(
    private readonly registry: RegistryService,
    private readonly cache: RuntimeCache,
    private readonly stats: RolloutStats = new RolloutStats(),
  ) {}

  /** Told the model id of every answered request (usage counting; must be cheap). */
  onServed(count: (modelId: number) => void): void {
    this.served = count;
  }

  /** With routing keys, an alias under a rollout resolves to the route the caller (or key) is on. */
  async resolve(
    caller: Principal,
    oipName: string,
    version?: string,
    route?: RoutingKeys,
  ): Promise<{ entry: ModelEntry; version: ResolvedVersion }> {
    const entry = await this.registry.entryFor(caller, fullNameOf(oipName));
    return { entry, version: this.registry.pickVersion(entry, version, route) };
  }

  /** resolve() from cached entries only; undefined when the registry must be asked. */
  private resolveCached(
    caller: Principal,
    oipName: string,
    version: string | undefined,
    route: RoutingKeys,
  ): { entry: ModelEntry; version: ResolvedVersion } | undefined {
    const entry = this.registry.cachedEntry(caller, this.fullNames.get(oipName));
    return entry && { entry, version: this.registry.pickVersion(entry, version, route) };
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

  /**
   * Runs a request. A request to an alias under a rollout goes to the caller's route
   * (sticky; by the request parameter `routing_key` when the rollout is sticky by key),
   * is counted per version, and is copied to the shadow version, whose answer is only
   * compared.
   */
  infer(
    caller: Principal,
    oipName: string,
    version: string | undefined,
    request: InferRequest,
  ): Promise<InferResponse> {
    return new Promise((resolve, reject) =>
      this.inferWith(caller, oipName, version, request, (err, res) => (res ? resolve(res) : reject(err))),
    );
  }

  /**
   * infer() in callback style, for the REST predict path: when the model's entry and its
   * session are cached (the common case) nothing is awaited but the run itself.
   */
  inferWith(
    caller: Principal,
    oipName: string,
    version: string | undefined,
    request: InferRequest,
    done: (err: unknown, res?: InferResponse) => void,
  ): void {
    let parameters = request.parameters;
    let route: RoutingKeys = { caller: String(caller.userId) };
    let cached: Resolved | undefined;
    try {
      if (parameters && ROUTING_KEY in parameters) {
        const { [ROUTING_KEY]: key, ...rest } = parameters;
        route = { caller: route.caller, key: String(key) };
        parameters = Object.keys(rest).length ? rest : undefined;
      }
      cached = this.resolveCached(caller, oipName, version, route);
    } catch (err) {
      done(err);
      return;
    }
    const call: Call = { oipName, version, request, parameters, done };
    if (cached) this.runResolved(cached, call);
    else this.resolve(caller, oipName, version, route).then((r) => this.runResolved(r, call), done);
  }

  private runResolved(resolved: Resolved, call: Call): void {
    const v = resolved.version;
    let inputs: Tensor[];
    try {
      inputs = checkAgainstSignature(v.signature, call.request);
    } catch (err) {
      call.done(err);
      return;
    }
    const lease = this.cache.tryAcquire(v);
    if (lease) this.runLeased(resolved, lease, inputs, call);
    else this.cache.acquire(v).then((l) => this.runLeased(resolved, l, inputs, call), call.done);
  }

  private runLeased({ entry, version: v }: Resolved, lease: Lease, inputs: Tensor[], call: Call): void {
    const split = entry.splits.size ? entry.splits.get(aliasOf(call.version)) : undefined;
    const started = split ? performance.now() : 0;
    lease.batcher.enqueue(inputs, call.parameters, (err, results) => {
      lease.release();
      if (!results) {
        if (split) this.stats.served(v.versionId, performance.now() - started, false);
        call.done(err);
        return;
      }
      const { request } = call;
      let response: InferResponse;
      try {
        this.served?.(v.modelId);
        if (split) {
          this.stats.served(v.versionId, performance.now() - started, true);
          const shadow = split.shadow === null ? undefined : entry.versions.get(split.shadow);
          if (shadow && shadow.version !== v.version)
            void this.shadowRun(split.alias, shadow, request, call.parameters, results);
        }
        // Every output of the signature unless some are asked for; a loop, no spread: this runs per request.
        const wanted: readonly { name: string; binary?: boolean }[] = request.outputs?.length
          ? request.outputs
          : v.signature.outputs;
        const binaryByDefault = request.binaryOutputs ?? false;
        const outputs: InferResponse['outputs'] = new Array(wanted.length);
        for (let i = 0; i < wanted.length; i++) {
          const o = wanted[i] as { name: string; binary?: boolean };
          const t = results.get(o.name) as Tensor;
          outputs[i] = {
            name: t.name,
            datatype: t.datatype,
            shape: t.shape,
            data: t.data,
            binary: o.binary ?? binaryByDefault,
          };
        }
        response = {
          modelName: call.oipName,
          modelVersion: String(v.version),
          registryName: v.fullName,
          id: request.id,
          outputs,
        };
      } catch (e) {
        call.done(e);
        return;
      }
      call.done(undefined, response);
    });
  }

  /** The shadow answers the same request; what it says is compared with what was returned, never sent. */
  private async shadowRun(
    alias: string,
    shadow: ResolvedVersion,
    request: InferRequest,
    parameters: InferRequest['parameters'],
    answered: Map<string, Tensor>,
  ): Promise<void> {
    const started = performance.now();
    try {
      const inputs = checkAgainstSignature(shadow.signature, request);
      const lease = this.cache.tryAcquire(shadow) ?? (await this.cache.acquire(shadow));
      let out: Map<string, Tensor>;
      try {
        out = await lease.batcher.submit(inputs, parameters);
      } finally {
        lease.release();
      }
      this.stats.served(shadow.versionId, performance.now() - started, true);
      this.stats.shadowed(shadow.modelId, alias, shadow.version, sameAnswers(answered, out) ? 'agreed' : 'differed');
    } catch {
      this.stats.served(shadow.versionId, performance.now() - started, false);
      this.stats.shadowed(shadow.modelId, alias, shadow.version, 'failed');
    }
  }
}

type Resolved = { entry: ModelEntry; version: ResolvedVersion };

/** One infer() call on its way through resolve → lease → run. */
interface Call {
  oipName: string;
  version: string | undefined;
  request: InferRequest;
  parameters: InferRequest['parameters'];
  done: (err: unknown, res?: InferResponse) => void;
}

/** The request parameter that keys a rollout's stickiness (a user id, a session). */
export const ROUTING_KEY = 'routing_key';

/** The alias a version segment names ('' or none: champion; a number: none). */
function aliasOf(version: string | undefined): string {
  if (version === undefined || version === '') return 'champion';
  return /^\d+$/.test(version) ? '' : version;
}

/** Two answers agree when every output both give holds the same values (numbers to 1e-6). */
function sameAnswers(a: Map<string, Tensor>, b: Map<string, Tensor>): boolean {
  let compared = 0;
  for (const [name, x] of a) {
    const y = b.get(name);
    if (!y) continue;
    compared++;
    if (x.data.length !== y.data.length) return false;
    for (let i = 0; i < x.data.length; i++) {
      const p = x.data[i];
      const q = y.data[i];
      if (p instanceof Uint8Array && q instanceof Uint8Array) {
        if (Buffer.compare(p, q) !== 0) return false;
      } else {
        const u = Number(p);
        const w = Number(q);
        if (Math.abs(u - w) > 1e-6 * Math.max(1, Math.abs(u), Math.abs(w))) return false;
      }
    }
  }
  return compared > 0;
}

/** OIP names a model `owner.name`; the registry `owner/name`. */
function fullNameOf(oipName: string): string {
  const dot = oipName.indexOf('.');
  if (dot <= 0 || dot === oipName.length - 1) {
    throw new NotFound(`unknown model "${oipName}" (OIP model names are owner.name)`);
  }
  return `${oipName.slice(0, dot)}/${oipName.slice(dot + 1)}`;
}
