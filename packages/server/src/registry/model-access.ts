import type { CollaboratorLookup } from '../auth/collaborator-lookup.js';
import { assertVisible, assertWritable } from '../auth/resource-access.js';
import type { Role } from '../auth/roles.js';
import type { Principal } from '../auth/scopes.js';
import type { ModelRow, RegistryStore } from './registry-store.js';

/**
 * Who may see or change a model, by its row: the registry's services all ask here, so a
 * model the caller may not see is "not found" the same way everywhere.
 */
export class ModelAccess {
  constructor(
    private readonly store: RegistryStore,
    private readonly collaborators: CollaboratorLookup,
  ) {}

  async visible(caller: Principal | undefined, owner: string, name: string): Promise<ModelRow> {
    const row = asModel(await this.store.modelRow(owner, name));
    return assertVisible(caller, row, `model ${owner}/${name}`, await this.collaboratorRole(caller, row));
  }

  async writable(caller: Principal, owner: string, name: string, need: Role = 'write'): Promise<ModelRow> {
    const row = asModel(await this.store.modelRow(owner, name));
    return assertWritable(caller, row, `model ${owner}/${name}`, await this.collaboratorRole(caller, row), need);
  }

  private async collaboratorRole(caller: Principal | undefined, row: ModelRow | undefined): Promise<Role | undefined> {
    if (!caller || !row || caller.isAdmin || caller.userId === row.owner_id) return undefined;
    return this.collaborators.role('model', row.id, caller.userId);
  }
}

/** A model row as the access rules see it (a token may be limited to one model). */
function asModel(row: ModelRow | undefined): (ModelRow & { kind: 'model' }) | undefined {
  return row && { ...row, kind: 'model' };
}
