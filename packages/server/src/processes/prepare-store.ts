import { AuthService } from '../auth/auth-service.js';
import { AuthStore } from '../auth/auth-store.js';
import type { ServerConfig } from '../config/config.js';
import { openDatabase } from '../store/database.js';

/**
 * What must happen once before several processes open the store: the schema migrated and
 * the admin made (its generated token printed once, not once per process).
 */
export async function prepareStore(config: ServerConfig): Promise<{ generatedAdminToken?: string }> {
  const { db } = await openDatabase(config);
  try {
    const auth = new AuthService(new AuthStore(db));
    const { generatedToken } = await auth.bootstrapAdmin(config.dataDir, config.adminToken);
    return generatedToken ? { generatedAdminToken: generatedToken } : {};
  } finally {
    await db.destroy();
  }
}
