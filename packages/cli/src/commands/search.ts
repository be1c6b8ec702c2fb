import { type Command, opt } from '../command.js';
import { clientFrom, connectionOptions } from '../credentials.js';
import { printList, textTable } from '../text-table.js';

export const search: Command = {
  name: 'search',
  summary: 'Search the marketplace: published, verified models, with facet counts.',
  usage:
    'search [WORDS] [--task T] [--tag T] [--license L] [--owner O] [--sort relevance|trending|likes|downloads|updated|metric:NAME] [--json]',
  options: {
    task: opt('string', 'only this task'),
    tag: opt('string', 'only listings with this tag'),
    license: opt('string', 'only this licence (SPDX id)'),
    owner: opt('string', 'only this owner'),
    sort: opt('string', 'relevance (default with words), trending, likes, downloads, updated, metric:NAME'),
    page: opt('string', 'page number (default 1)'),
    json: opt('boolean', 'print JSON instead of a table'),
    ...connectionOptions,
  },
  async run({ values, positionals }) {
    const q = positionals.join(' ');
    const str = (k: string) => (values[k] === undefined ? {} : { [k]: values[k] as string });
    const answer = await clientFrom(values).search({
      ...(q && { q }),
      ...str('task'),
      ...str('tag'),
      ...str('license'),
      ...str('owner'),
      ...(values.sort !== undefined && { sort: values.sort as 'likes' }),
      ...(values.page !== undefined && { page: Number(values.page) }),
    });
    printList(Boolean(values.json), answer, () => {
      const facets = Object.entries(answer.facets)
        .filter(([, list]) => list.length)
        .map(
          ([name, list]) =>
            `${name}: ${list
              .slice(0, 6)
              .map((f) => `${f.value} (${f.count})`)
              .join(', ')}`,
        );
      return [
        textTable(
          ['MODEL', 'TASK', 'LICENSE', 'VERSION', 'LIKES', 'DOWNLOADS', 'METRICS'],
          answer.items.map((l) => [
            l.model,
            l.task,
            l.license,
            l.publishedVersion,
            l.likes,
            l.downloads,
            Object.entries(l.metrics)
              .slice(0, 2)
              .map(([k, v]) => `${k} ${Number(v.toFixed(4))}`)
              .join(', '),
          ]),
        ),
        `${answer.items.length} of ${answer.total} (page ${answer.page})`,
        ...facets,
      ].join('\n');
    });
    return 0;
  },
};
