import fs from 'node:fs';
import { MarqueeApiError } from '@marquee/client';
import { type Command, opt, UsageError } from '../command.js';
import { clientFrom, connectionOptions } from '../credentials.js';
import { meteredFile } from '../file-upload.js';

export const modelsPush: Command = {
  name: 'models push',
  summary:
    'Upload an ONNX file as the next version of a model, creating the model first when it does not exist. Prints the new version and its signature.',
  usage: 'models push FILE --name OWNER/NAME [--task TASK] [--visibility private|public] [--alias ALIAS]',
  options: {
    name: opt('string', 'the model, owner/name', 'n'),
    task: opt(
      'string',
      'task when the model is created: classification, regression, clustering, recommendation, sentiment, other (default other)',
    ),
    visibility: opt('string', 'when the model is created: private (default) or public'),
    description: opt('string', 'when the model is created: a one-line description'),
    alias: opt('string', 'then point this alias (e.g. champion) at the new version'),
    ...connectionOptions,
  },
  async run({ values, positionals }) {
    const file = positionals[0];
    const fullName = values.name as string | undefined;
    if (!file || !fullName) throw new UsageError('give the ONNX file and --name owner/name');
    const [owner, name] = fullName.split('/');
    if (!owner || !name) throw new UsageError('--name must be owner/name');
    if (!fs.existsSync(file)) throw new UsageError(`no file ${file}`);
    const client = clientFrom(values);
    try {
      await client.getModel(fullName);
    } catch (err) {
      if (!(err instanceof MarqueeApiError && err.status === 404)) throw err;
      await client.createModel({
        owner,
        name,
        task: ((values.task as string | undefined) ?? 'other') as 'other',
        visibility: ((values.visibility as string | undefined) ?? 'private') as 'private',
        description: values.description as string | undefined,
      });
      console.error(`Created model ${fullName}`);
    }
    const upload = meteredFile(file, `Uploading ${file}`);
    const version = await client.uploadVersion(fullName, upload.body);
    upload.done();
    if (values.alias) await client.setAlias(fullName, values.alias as string, version.version);
    console.log(JSON.stringify(version, null, 2));
    return 0;
  },
};
