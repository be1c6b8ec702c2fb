import type { Db } from '../database.js';
import { type ClusterBus, LocalBus } from './cluster-bus.js';
import { PostgresBus } from './postgres-bus.js';
import { ProcessBus } from './process-bus.js';

/**
 * The bus for the store the configuration names: PostgreSQL's LISTEN/NOTIFY; the IPC
 * channels of `serve --workers` on SQLite; or none needed (one process).
 */
export async function openClusterBus(
  config: { databaseUrl?: string },
  db: Db,
  processes: number,
  log?: (msg: string, fields?: Record<string, unknown>) => void,
): Promise<ClusterBus> {
  if (!config.databaseUrl) return processes > 1 ? new ProcessBus() : new LocalBus();
  const bus = new PostgresBus(config.databaseUrl, db, log);
  await bus.start();
  return bus;
}
