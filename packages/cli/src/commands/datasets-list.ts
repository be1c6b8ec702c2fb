import type { Command } from '../command.js';
import { clientFrom } from '../credentials.js';
import { printList, textTable } from '../text-table.js';
import { listOptions, listQuery } from './models-list.js';

export const datasetsList: Command = {
  name: 'datasets list',
  summary: 'List the datasets you may see (GET /api/v1/datasets).',
  usage: 'datasets list [--owner OWNER] [--q WORDS] [--sort updated|created|name] [--json]',
  options: listOptions,
  async run({ values }) {
    const page = await clientFrom(values).listDatasets(listQuery(values));
    printList(Boolean(values.json), page, () =>
      [
        textTable(
          ['DATASET', 'VISIBILITY', 'LATEST', 'UPDATED'],
          page.items.map((d) => [d.fullName, d.visibility, d.latestVersion, d.updatedAt.slice(0, 19)]),
        ),
        `${page.items.length} of ${page.total} (page ${page.page})`,
      ].join('\n'),
    );
    return 0;
  },
};
