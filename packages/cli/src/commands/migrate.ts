import { type ConfigOverrides, loadConfig } from '@marquee/server/config';
import { type Command, opt } from '../command.js';

export const migrate: Command = {
  name: 'migrate',
  summary:
    'Bring the metadata store to the latest schema, then exit: the step a cluster runs before new API nodes and workers start (a Kubernetes Job, a compose service). Servers also migrate at start; this runs it alone.',
  usage: 'migrate [--database-url postgres://…] [--data DIR]',
  options: {
    'database-url': opt('string', 'postgres://… (MARQUEE_DATABASE_URL); default SQLite in --data'),
    data: opt('string', 'data folder, for the SQLite store (default ./marquee-data)'),
  },
  async run({ values }) {
    const flags: ConfigOverrides = {
      databaseUrl: values['database-url'] as string | undefined,
      dataDir: values.data as string | undefined,
    };
    const config = loadConfig(flags);
    const { migrateDatabase } = await import('@marquee/server');
    const dialect = await migrateDatabase(config);
    console.log(
      `Migrated the ${dialect === 'postgres' ? 'PostgreSQL' : `SQLite (${config.dataDir})`} store to the latest schema`,
    );
    return 0;
  },
};
