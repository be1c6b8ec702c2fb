import { type Command, opt } from '../command.js';
import { clientFrom, connectionOptions } from '../credentials.js';
import { printList, textTable } from '../text-table.js';

export const listOptions = {
  owner: opt('string', 'only this owner'),
  q: opt('string', 'words that must appear in the name or description'),
  sort: opt('string', 'updated (default), created or name'),
  limit: opt('string', 'rows per page (at most 100; default 20)'),
  page: opt('string', 'page number (default 1)'),
  json: opt('boolean', 'print JSON instead of a table'),
  ...connectionOptions,
};

export function listQuery(values: Record<string, string | boolean | undefined>) {
  return {
    ...(values.owner !== undefined && { owner: values.owner as string }),
    ...(values.q !== undefined && { q: values.q as string }),
    ...(values.sort !== undefined && { sort: values.sort as 'updated' }),
    ...(values.limit !== undefined && { limit: Number(values.limit) }),
    ...(values.page !== undefined && { page: Number(values.page) }),
  };
}

export const modelsList: Command = {
  name: 'models list',
  summary: 'List the models you may see (GET /api/v1/models).',
  usage: 'models list [--owner OWNER] [--q WORDS] [--task TASK] [--sort updated|created|name] [--json]',
  options: { ...listOptions, task: opt('string', 'only this task (classification, regression, …)') },
  async run({ values }) {
    const page = await clientFrom(values).listModels({
      ...listQuery(values),
      ...(values.task !== undefined && { task: values.task as string }),
    });
    printList(Boolean(values.json), page, () =>
      [
        textTable(
          ['MODEL', 'TASK', 'VISIBILITY', 'LATEST', 'UPDATED'],
          page.items.map((m) => [m.fullName, m.task, m.visibility, m.latestVersion, m.updatedAt.slice(0, 19)]),
        ),
        `${page.items.length} of ${page.total} (page ${page.page})`,
      ].join('\n'),
    );
    return 0;
  },
};
