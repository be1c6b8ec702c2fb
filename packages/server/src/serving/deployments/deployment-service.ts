import type { Principal } from '../../auth/scopes.js';
import { Conflict, Forbidden, Invalid, NotFound } from '../../errors.js';
import type { TrafficSplit } from '../../registry/model-views.js';
import type { ModelRef, RegistryService } from '../../registry/registry-service.js';
import type { DeploymentRow, DeploymentStore } from './deployment-store.js';
import type { RolloutStats, ShadowStatsView, VersionStatsView } from './rollout-stats.js';

export interface DeploymentInput {
  /** The alias whose traffic is split (default champion). */
  alias?: string;
  routes: Array<{ version: number; weight: number }>;
  shadow?: { version: number } | null;
  sticky?: 'caller' | 'key';
}

export interface DeploymentView {
  model: string;
  alias: string;
  /** The version the alias names: what a rollback returns all traffic to. */
  stable: number | null;
  routes: Array<{ version: number; weight: number; stats: VersionStatsView }>;
  shadow: (ShadowStatsView & { stats: VersionStatsView }) | null;
  sticky: 'caller' | 'key';
  proposal: number | null;
  startedBy: string;
  startedAt: string;
}

const MAX_ROUTES = 4;

/**
 * Rollouts: an alias's traffic split between the version it names and a canary, with
 * an optional shadow. Starting, promoting and rolling back are single calls by the
 * model's writers (each audited as a write). A protected alias's canary starts only from
 * a merged proposal, and only such a canary may be promoted.
 */
export class DeploymentService {
  constructor(
    private readonly store: DeploymentStore,
    private readonly registry: RegistryService,
    private readonly stats: RolloutStats,
  ) {}

  /** The predict path's view of a model's rollouts. */
  async splits(modelId: number): Promise<TrafficSplit[]> {
    return (await this.store.of(modelId)).map(toSplit);
  }

  async put(caller: Principal, owner: string, name: string, input: DeploymentInput): Promise<DeploymentView> {
    const model = await this.registry.modelRef(caller, owner, name, 'write');
    const alias = input.alias ?? 'champion';
    const current = model.aliases[alias];
    if (current === undefined) throw new Invalid(`model ${model.fullName} has no alias "${alias}" to roll out from`);
    this.checkRoutes(model, input);
    if (!input.routes.some((r) => r.version === current)) {
      throw new Invalid(`a rollout of "${alias}" keeps its version ${current} among the routes (the stable side)`);
    }
    if (model.protectedAliases[alias] && input.routes.some((r) => r.version !== current && r.weight > 0)) {
      throw new Forbidden(
        `alias "${alias}" of ${model.fullName} is protected: a canary of it starts only from a merged proposal (POST /api/v1/models/${model.fullName}/proposals/{number}/merge with {"canary": {"weight": 10}})`,
      );
    }
    await this.save(caller, model, alias, input, null);
    return this.get(caller, owner, name, alias);
  }

  /** A canary started by merging a proposal: the candidate gets `weight` percent of the alias's traffic. */
  async startFromMerge(
    merger: Principal,
    model: ModelRef,
    alias: string,
    candidate: number,
    weight: number,
    proposal: number,
  ): Promise<void> {
    const current = model.aliases[alias];
    const routes =
      current === undefined || current === candidate
        ? [{ version: candidate, weight: 100 }]
        : [
            { version: current, weight: 100 - weight },
            { version: candidate, weight },
          ];
    await this.save(merger, model, alias, { routes, sticky: 'caller' }, proposal);
  }

  async get(caller: Principal | undefined, owner: string, name: string, alias = 'champion'): Promise<DeploymentView> {
    const model = await this.registry.modelRef(caller, owner, name, 'read');
    const row = (await this.store.of(model.id)).find((d) => d.alias === alias);
    if (!row) throw new NotFound(`model ${model.fullName} has no rollout of "${alias}"`);
    return this.toView(model, row);
  }

  /** Ends the rollout with every request on the canary: the alias moves to it. */
  async promote(caller: Principal, owner: string, name: string, alias = 'champion'): Promise<DeploymentView | null> {
    const model = await this.registry.modelRef(caller, owner, name, 'write');
    const row = (await this.store.of(model.id)).find((d) => d.alias === alias);
    if (!row) throw new NotFound(`model ${model.fullName} has no rollout of "${alias}"`);
    const current = model.aliases[alias];
    const canary = toSplit(row)
      .routes.filter((r) => r.version !== current)
      .sort((a, b) => b.weight - a.weight)[0];
    if (!canary) throw new Conflict(`the rollout of "${alias}" has no canary to promote`);
    if (model.protectedAliases[alias] && row.proposal_number === null) {
      throw new Forbidden(`alias "${alias}" is protected: only a canary started by a merged proposal is promoted`);
    }
    await this.registry.moveAliasForRollout(caller, model, alias, canary.version);
    await this.store.delete(model.id, alias);
    await this.registry.accessChanged(model.fullName);
    return null;
  }

  /** Ends the rollout with every request on the alias's version again. */
  async rollback(caller: Principal, owner: string, name: string, alias = 'champion'): Promise<void> {
    const model = await this.registry.modelRef(caller, owner, name, 'write');
    if (!(await this.store.delete(model.id, alias))) {
      throw new NotFound(`model ${model.fullName} has no rollout of "${alias}"`);
    }
    await this.registry.accessChanged(model.fullName);
  }

  private checkRoutes(model: ModelRef, input: DeploymentInput): void {
    const { routes } = input;
    if (routes.length === 0 || routes.length > MAX_ROUTES) throw new Invalid(`give 1 to ${MAX_ROUTES} routes`);
    if (new Set(routes.map((r) => r.version)).size !== routes.length) throw new Invalid('each version is routed once');
    if (!routes.some((r) => r.weight > 0)) throw new Invalid('at least one route needs a weight above 0');
    const versions = [...routes.map((r) => r.version), ...(input.shadow ? [input.shadow.version] : [])];
    for (const v of versions) {
      if (model.latestVersion === null || v > model.latestVersion) {
        throw new Invalid(`model ${model.fullName} has no version ${v}`);
      }
    }
  }

  private async save(
    caller: Principal,
    model: ModelRef,
    alias: string,
    input: DeploymentInput,
    proposal: number | null,
  ): Promise<void> {
    await this.store.put({
      model_id: model.id,
      alias,
      routes: JSON.stringify(input.routes.map(({ version, weight }) => ({ version, weight }))),
      shadow_version: input.shadow?.version ?? null,
      sticky: input.sticky ?? 'caller',
      proposal_number: proposal,
      started_by: caller.userId,
    });
    await this.registry.accessChanged(model.fullName);
  }

  private async toView(model: ModelRef, row: DeploymentRow): Promise<DeploymentView> {
    const split = toSplit(row);
    const ids = new Map((await this.registry.versionIds(model.id)).map((v) => [v.version, v.id]));
    const statsOf = (version: number) => this.stats.version(ids.get(version) ?? -1);
    return {
      model: model.fullName,
      alias: row.alias,
      stable: model.aliases[row.alias] ?? null,
      routes: split.routes.map((r) => ({ ...r, stats: statsOf(r.version) })),
      shadow:
        split.shadow === null
          ? null
          : { ...this.stats.shadow(model.id, row.alias, split.shadow), stats: statsOf(split.shadow) },
      sticky: split.sticky,
      proposal: row.proposal_number,
      startedBy: row.starter,
      startedAt: row.started_at,
    };
  }
}

function toSplit(row: DeploymentRow): TrafficSplit {
  return {
    alias: row.alias,
    routes: JSON.parse(row.routes) as TrafficSplit['routes'],
    shadow: row.shadow_version,
    sticky: row.sticky === 'key' ? 'key' : 'caller',
  };
}
