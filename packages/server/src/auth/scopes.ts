import type { Role } from './roles.js';

export const SCOPES = ['read', 'write', 'predict', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** Who is calling: the user behind a token and what the token allows. */
export interface Principal {
  userId: number;
  username: string;
  isAdmin: boolean;
  scopes: ReadonlySet<Scope>;
  tokenId: string;
  /** Organisations the user belongs to (owner id → role). */
  orgs?: ReadonlyMap<number, Role>;
  /** A token limited to what one owner holds, or to one model. */
  limit?: { ownerId: number } | { modelId: number };
}

/** `admin` implies every other scope. */
export function hasScope(p: Principal, scope: Scope): boolean {
  return p.scopes.has(scope) || p.scopes.has('admin');
}
