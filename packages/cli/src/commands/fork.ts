import { type Command, opt, UsageError } from '../command.js';
import { clientFrom, connectionOptions } from '../credentials.js';

export const fork: Command = {
  name: 'fork',
  summary:
    'Fork a model (its versions share the artifacts; aliases and card are copied) or, with --dataset, a dataset, under a new owner/name.',
  usage: 'fork OWNER/NAME --to OWNER/NAME [--dataset] [--visibility public|internal|private]',
  options: {
    to: opt('string', 'where the fork goes, owner/name'),
    dataset: opt('boolean', 'fork a dataset, not a model'),
    visibility: opt('string', 'public, internal or private (default: public when the source is, else private)'),
    ...connectionOptions,
  },
  async run({ values, positionals }) {
    const source = positionals[0];
    if (!source) throw new UsageError('give what to fork, owner/name');
    const [owner, name, ...rest] = String(values.to ?? '').split('/');
    if (!owner || !name || rest.length) throw new UsageError('give --to OWNER/NAME');
    const visibility = values.visibility as 'public' | 'internal' | 'private' | undefined;
    if (visibility && !['public', 'internal', 'private'].includes(visibility))
      throw new UsageError('--visibility is public, internal or private');
    const made = await clientFrom(values).fork(values.dataset ? 'datasets' : 'models', source, {
      owner,
      name,
      ...(visibility && { visibility }),
    });
    console.log(`${made.fullName} (${made.visibility}) forked from ${source}`);
    return 0;
  },
};
