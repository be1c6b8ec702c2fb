import fs from 'node:fs';
import path from 'node:path';
import { MarqueeApiError } from '@marquee/client';
import { type Command, opt, UsageError } from '../command.js';
import { clientFrom, connectionOptions } from '../credentials.js';
import { meteredFile } from '../file-upload.js';
import { combineParquetFolder } from '../parquet-folder.js';

const FORMATS = { '.csv': 'csv', '.jsonl': 'jsonl', '.ndjson': 'jsonl', '.parquet': 'parquet' } as const;

export const datasetsPush: Command = {
  name: 'datasets push',
  summary:
    'Upload a CSV, JSON lines or Parquet file — or a folder of Parquet parts as Spark writes them (key=value partition folders become columns) — as the next version of a dataset, creating the dataset first when it does not exist. The server infers the schema; prints the version with its columns. The same content as the latest version is that version again.',
  usage: 'datasets push FILE|FOLDER --name OWNER/NAME [--format csv|jsonl|parquet] [--visibility private|public]',
  options: {
    name: opt('string', 'the dataset, owner/name', 'n'),
    format: opt('string', 'csv, jsonl or parquet (default: from the file extension)'),
    visibility: opt('string', 'when the dataset is created: private (default) or public'),
    description: opt('string', 'when the dataset is created: a one-line description'),
    ...connectionOptions,
  },
  async run({ values, positionals }) {
    const file = positionals[0];
    const fullName = values.name as string | undefined;
    if (!file || !fullName) throw new UsageError('give the file and --name owner/name');
    const [owner, name, ...rest] = fullName.split('/');
    if (!owner || !name || rest.length) throw new UsageError('--name must be owner/name');
    if (!fs.existsSync(file)) throw new UsageError(`no file ${file}`);
    const folder = fs.statSync(file).isDirectory() ? await combineParquetFolder(file) : undefined;
    if (folder) console.error(`Read ${folder.parts} Parquet parts of ${file} as one table`);
    try {
      return await push(
        folder?.file ?? file,
        folder ? 'parquet' : (values.format as string | undefined),
        fullName,
        values,
      );
    } finally {
      folder?.remove();
    }
  },
};

async function push(
  file: string,
  givenFormat: string | undefined,
  fullName: string,
  values: Record<string, string | boolean | undefined>,
): Promise<number> {
  const [owner, name] = fullName.split('/') as [string, string];
  const format = givenFormat ?? FORMATS[path.extname(file).toLowerCase() as keyof typeof FORMATS];
  if (format !== 'csv' && format !== 'jsonl' && format !== 'parquet') {
    throw new UsageError(`cannot tell the format of ${file}: give --format csv, jsonl or parquet`);
  }
  const client = clientFrom(values);
  try {
    await client.getDataset(fullName);
  } catch (err) {
    if (!(err instanceof MarqueeApiError && err.status === 404)) throw err;
    await client.createDataset({
      owner,
      name,
      visibility: ((values.visibility as string | undefined) ?? 'private') as 'private',
      description: values.description as string | undefined,
    });
    console.error(`Created dataset ${fullName}`);
  }
  const upload = meteredFile(file, `Uploading ${file}`);
  const version = await client.uploadDatasetVersion(fullName, upload.body, format);
  upload.done();
  console.error(
    `${fullName}@${version.version}: ${version.rowCount} rows; ${version.columns.map((c) => `${c.name} (${c.kind})`).join(', ')}`,
  );
  console.log(JSON.stringify(version, null, 2));
  return 0;
}
