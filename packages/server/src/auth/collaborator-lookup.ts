import type { Role } from './roles.js';

/**
 * Roles given on single resources, which the orgs domain keeps: the registry and the
 * datasets ask through this, so neither reaches into the orgs domain's tables.
 */
export interface CollaboratorLookup {
  role(kind: 'model' | 'dataset', id: number, userId: number): Promise<Role | undefined>;
  roles(kind: 'model' | 'dataset', id: number): Promise<ReadonlyMap<number, Role>>;
  /** Gives a user a role on a resource (its creator, when it belongs to an organisation). */
  grant(kind: 'model' | 'dataset', id: number, userId: number, role: Role): Promise<void>;
}

export const NO_COLLABORATORS: CollaboratorLookup = {
  role: async () => undefined,
  roles: async () => new Map(),
  grant: async () => {},
};
