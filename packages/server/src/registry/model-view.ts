import type { EvaluationSettings, ModelView } from './model-views.js';
import type { ModelRow, VersionRow } from './registry-store.js';

/** A stored model row as the API shows it, with its versions, aliases and protected aliases' rules. */
export function toModelView(
  row: ModelRow,
  owner: string,
  versions: VersionRow[],
  aliases: Array<{ alias: string; version: number }>,
  rules: Array<{ alias: string; metric: string; tolerance: number }>,
): ModelView {
  return {
    owner,
    name: row.name,
    fullName: `${owner}/${row.name}`,
    task: row.task,
    visibility: row.visibility,
    description: row.description,
    tags: JSON.parse(row.tags) as string[],
    license: row.license,
    latestVersion: versions.at(-1)?.version ?? null,
    aliases: Object.fromEntries(aliases.map((a) => [a.alias, a.version])),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    forkedFrom: row.forked_from ?? null,
    evaluation: row.evaluation ? (JSON.parse(row.evaluation) as EvaluationSettings) : null,
    protectedAliases: Object.fromEntries(rules.map((r) => [r.alias, { metric: r.metric, tolerance: r.tolerance }])),
  };
}
