import { type ParseArgsConfig, parseArgs } from 'node:util';

export type Options = NonNullable<ParseArgsConfig['options']>;

/** One verb of the CLI: its usage text, flags and what it does. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  options: Options;
  run(args: { values: Record<string, string | boolean | undefined>; positionals: string[] }): Promise<number>;
}

export class UsageError extends Error {}

export function helpText(cmd: Command): string {
  const rows: [string, string][] = Object.entries(cmd.options).map(([name, o]) => [
    `--${name}${o.type === 'string' ? ' <value>' : ''}`,
    (o as { description?: string }).description ?? '',
  ]);
  rows.push(['--help', 'show this help']);
  // The flag column is as wide as the longest flag, so no description runs into its flag.
  const width = Math.max(...rows.map(([flag]) => flag.length)) + 2;
  const lines = [`Usage: marquee ${cmd.usage}`, '', cmd.summary, '', 'Options:'];
  for (const [flag, description] of rows) lines.push(`  ${flag.padEnd(width)}${description}`);
  return lines.join('\n');
}

/** Parses argv for a command; `--help` prints its usage and returns undefined. */
export function parseCommandArgs(cmd: Command, argv: string[]) {
  const options = Object.fromEntries(
    Object.entries(cmd.options).map(([k, v]) => {
      const { description: _d, ...rest } = v as typeof v & { description?: string };
      return [k, rest];
    }),
  );
  try {
    const parsed = parseArgs({
      args: argv,
      options: { ...options, help: { type: 'boolean' } },
      allowPositionals: true,
      strict: true,
    });
    if (parsed.values.help) {
      console.log(helpText(cmd));
      return undefined;
    }
    return parsed as { values: Record<string, string | boolean | undefined>; positionals: string[] };
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n\n${helpText(cmd)}`);
  }
}

/** A described option: parseArgs options plus help text. */
export function opt(type: 'string' | 'boolean', description: string, short?: string): Options[string] {
  return { type, ...(short ? { short } : {}), description } as Options[string];
}
