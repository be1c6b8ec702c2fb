import type { Principal } from '../auth/scopes.js';
import type { DatasetService } from '../datasets/dataset-service.js';
import { Invalid, NotFound } from '../errors.js';
import type { AliasRule, EvaluationSettings, ModelView } from './model-views.js';
import { ALIAS_NAME } from './names.js';
import type { RegistryService } from './registry-service.js';
import type { RegistryStore } from './registry-store.js';

/** The metrics a proposal's evaluation measures per task, which a rule may name. */
export function comparableMetrics(task: string): string[] {
  if (task === 'regression') return ['rmse', 'mae', 'r2'];
  if (task === 'classification' || task === 'sentiment') return ['accuracy', 'macroF1'];
  return [];
}

/**
 * A model's governance, set by its admins: the data change proposals are evaluated on,
 * and the aliases that move only through a merged proposal passing a rule.
 */
export class ModelPolicyService {
  constructor(
    private readonly store: RegistryStore,
    private readonly registry: RegistryService,
    private readonly datasets: DatasetService,
  ) {}

  /**
   * Records the evaluation data. The dataset must be one the admin can read, and is
   * pinned to a version (the latest when none is named) so every evaluation of the model
   * sees the same rows.
   */
  async setEvaluation(
    caller: Principal,
    owner: string,
    name: string,
    input: Omit<EvaluationSettings, 'split'> & { split?: EvaluationSettings['split'] },
  ): Promise<ModelView> {
    const model = await this.registry.access.writable(caller, owner, name, 'admin');
    if (comparableMetrics(model.task).length === 0) {
      throw new Invalid(
        `change proposals are evaluated for classification, sentiment and regression models; ${owner}/${name} is a ${model.task} model`,
      );
    }
    const file = await this.datasets.resolve(caller, input.dataset);
    const columns = new Set(file.schema.columns.map((c) => c.name));
    if (!columns.has(input.target)) throw new Invalid(`dataset ${file.ref} has no column "${input.target}"`);
    const missing = (input.features ?? []).filter((f) => !columns.has(f));
    if (missing.length)
      throw new Invalid(`dataset ${file.ref} has no column ${missing.map((m) => `"${m}"`).join(', ')}`);
    const split = input.split ?? { testFraction: 0.2, seed: 0 };
    if (split !== 'all' && !(split.testFraction > 0 && split.testFraction < 1)) {
      throw new Invalid('split.testFraction must be between 0 and 1');
    }
    const settings: EvaluationSettings = {
      dataset: file.ref,
      target: input.target,
      split,
      ...(input.features && { features: input.features }),
    };
    await this.store.updateModel(model.id, { evaluation: JSON.stringify(settings) });
    await this.registry.accessChanged(`${owner}/${name}`);
    return this.registry.getModel(caller, owner, name);
  }

  async clearEvaluation(caller: Principal, owner: string, name: string): Promise<void> {
    const model = await this.registry.access.writable(caller, owner, name, 'admin');
    if (!model.evaluation) throw new NotFound(`model ${owner}/${name} has no evaluation data set`);
    await this.store.updateModel(model.id, { evaluation: null });
    await this.registry.accessChanged(`${owner}/${name}`);
  }

  /** Protects an alias with a rule on one of the metrics the evaluation measures. */
  async protect(caller: Principal, owner: string, name: string, alias: string, rule: AliasRule): Promise<ModelView> {
    if (!ALIAS_NAME.test(alias)) throw new Invalid(`alias must match ${ALIAS_NAME.source}`);
    const model = await this.registry.access.writable(caller, owner, name, 'admin');
    const metrics = comparableMetrics(model.task);
    if (!metrics.includes(rule.metric)) {
      throw new Invalid(
        metrics.length
          ? `a rule on a ${model.task} model names one of ${metrics.join(', ')}, not "${rule.metric}"`
          : `aliases of ${model.task} models cannot be protected: their proposals have no evaluation yet`,
      );
    }
    if (!(rule.tolerance >= 0)) throw new Invalid('tolerance must be 0 or more (in the metric’s units)');
    await this.store.putAliasRule(model.id, alias, rule, caller.userId);
    await this.registry.accessChanged(`${owner}/${name}`);
    return this.registry.getModel(caller, owner, name);
  }

  async unprotect(caller: Principal, owner: string, name: string, alias: string): Promise<void> {
    const model = await this.registry.access.writable(caller, owner, name, 'admin');
    if (!(await this.store.deleteAliasRule(model.id, alias))) {
      throw new NotFound(`alias "${alias}" of ${owner}/${name} is not protected`);
    }
    await this.registry.accessChanged(`${owner}/${name}`);
  }
}
