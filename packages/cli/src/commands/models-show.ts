import { type Command, opt, UsageError } from '../command.js';
import { clientFrom, connectionOptions } from '../credentials.js';

export const modelsShow: Command = {
  name: 'models show',
  summary: 'Show a model: versions, aliases, its listing, likes, downloads and usage.',
  usage: 'models show OWNER/NAME [--json]',
  options: { json: opt('boolean', 'print JSON'), ...connectionOptions },
  async run({ values, positionals }) {
    const name = positionals[0];
    if (!name) throw new UsageError('give the model, owner/name');
    const client = clientFrom(values);
    const model = await client.getModel(name);
    const versions = await client.listVersions(name);
    if (values.json) {
      console.log(JSON.stringify({ ...model, versions }, null, 2));
      return 0;
    }
    const lines = [
      `${model.fullName}  (${model.task}, ${model.visibility}${model.license ? `, ${model.license}` : ''})`,
      model.description || '(no description)',
      '',
      `published: ${model.publishedVersion ? `version ${model.publishedVersion}, verified` : 'no'}`,
      `likes: ${model.likes ?? 0}   downloads: ${model.downloads ?? 0}   predictions: ${model.usage?.predictions ?? 0}   trending: ${model.trending ?? 0}`,
      `aliases: ${
        Object.entries(model.aliases)
          .map(([a, v]) => `${a}→${v}`)
          .join(', ') || '-'
      }`,
      '',
      'versions:',
      ...versions.map((v) => {
        const metrics = Object.entries(v.details?.metrics ?? {})
          .slice(0, 3)
          .map(([k, x]) => `${k} ${Number(x.toFixed(4))}`)
          .join(', ');
        return `  ${v.version}  ${v.source.padEnd(8)}  ${v.details?.algorithm ?? v.format}  ${metrics}`;
      }),
    ];
    console.log(lines.join('\n'));
    return 0;
  },
};
