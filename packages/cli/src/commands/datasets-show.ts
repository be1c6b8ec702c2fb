import { type Command, opt, UsageError } from '../command.js';
import { clientFrom, connectionOptions } from '../credentials.js';
import { textTable } from '../text-table.js';

export const datasetsShow: Command = {
  name: 'datasets show',
  summary: 'Show a dataset and its versions (rows, format, columns).',
  usage: 'datasets show OWNER/NAME [--json]',
  options: { json: opt('boolean', 'print JSON'), ...connectionOptions },
  async run({ values, positionals }) {
    const name = positionals[0];
    if (!name) throw new UsageError('give the dataset, owner/name');
    const client = clientFrom(values);
    const dataset = await client.getDataset(name);
    const versions = await client.listDatasetVersions(name);
    if (values.json) {
      console.log(JSON.stringify({ ...dataset, versions }, null, 2));
      return 0;
    }
    console.log(
      [
        `${dataset.fullName}  (${dataset.visibility})`,
        dataset.description || '(no description)',
        '',
        textTable(
          ['VERSION', 'FORMAT', 'ROWS', 'COLUMNS', 'CREATED'],
          versions.map((v) => [
            v.version,
            v.format,
            v.rowCount,
            v.columns
              .map((c) => c.name)
              .join(', ')
              .slice(0, 60),
            v.createdAt.slice(0, 19),
          ]),
        ),
      ].join('\n'),
    );
    return 0;
  },
};
