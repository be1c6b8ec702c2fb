import type { Db } from '../database.js';
import { type ClusterBus, LocalBus } from './cluster-bus.js';
import { PostgresBus } from './postgres-bus.js';

/** The bus for the store the configuration names: PostgreSQL's LISTEN/NOTIFY, or none needed. */
export async function openClusterBus(
  config: { databaseUrl?: string },
  db: Db,
  log?: (msg: string, fields?: Record<string, unknown>) => void,
): Promise<ClusterBus> {
  if (!config.databaseUrl) return new LocalBus();
  const bus = new PostgresBus(config.databaseUrl, db, log);
  await bus.start();
  return bus;
}
