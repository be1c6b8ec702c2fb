import { type RawBuilder, sql } from 'kysely';
import { Forbidden, NotFound } from '../errors.js';
import { atLeast, type Role, stronger } from './roles.js';
import { hasScope, type Principal } from './scopes.js';

/**
 * Who sees a resource: `public` everyone; `internal` the members of the organisation that
 * owns it; `private` its owner (an organisation's admins) and named collaborators.
 */
export const VISIBILITIES = ['public', 'internal', 'private'] as const;
export type Visibility = (typeof VISIBILITIES)[number];

/** What access rules need of an owned resource (a model, a dataset). */
export interface OwnedRow {
  owner_id: number;
  visibility: Visibility;
  /** Its id and kind: what a token limited to one model is checked against. */
  id?: number;
  kind?: 'model' | 'dataset';
}

/**
 * The caller's role on a resource, or undefined when they may not even see it. The
 * strongest of: site admin or owner (admin); the role in the owning organisation
 * (admins everywhere, other members on its public and internal resources); a role given
 * to them on this resource as a collaborator; read on anything public.
 */
export function roleOn(caller: Principal | undefined, row: OwnedRow, collaborator?: Role): Role | undefined {
  if (caller?.limit && !withinLimit(caller.limit, row)) return undefined;
  if (caller && (caller.isAdmin || caller.userId === row.owner_id)) return 'admin';
  let role: Role | undefined;
  const member = caller?.orgs?.get(row.owner_id);
  if (member === 'admin' || (member && row.visibility !== 'private')) role = member;
  role = stronger(role, collaborator);
  if (!role && row.visibility === 'public') role = 'read';
  return role;
}

/**
 * Deny unless allowed: a resource the caller may not see is answered as not found, so
 * that its existence does not leak.
 */
export function assertVisible<R extends OwnedRow>(
  caller: Principal | undefined,
  row: R | undefined,
  what: string,
  collaborator?: Role,
): R {
  if (!row || !roleOn(caller, row, collaborator)) throw new NotFound(`no ${what}`);
  return row;
}

/** Visible, the token may write, and the caller's role is at least `need` (default write). */
export function assertWritable<R extends OwnedRow>(
  caller: Principal,
  row: R | undefined,
  what: string,
  collaborator?: Role,
  need: Role = 'write',
): R {
  const visible = assertVisible(caller, row, what, collaborator);
  if (!hasScope(caller, 'write')) throw new Forbidden('this call needs a token with the "write" scope');
  if (!atLeast(roleOn(caller, visible, collaborator), need)) {
    throw new Forbidden(`you cannot change ${what}: that needs the ${need} role`);
  }
  return visible;
}

/** Whether the caller may create resources under an owner: themselves, an org where they write, or anyone for admins. */
export function canCreateFor(caller: Principal, ownerId: number): boolean {
  if (caller.limit && !('ownerId' in caller.limit && caller.limit.ownerId === ownerId)) return false;
  return caller.isAdmin || caller.userId === ownerId || atLeast(caller.orgs?.get(ownerId), 'write');
}

/** A limited token reaches only what one owner holds, or one model. */
function withinLimit(limit: NonNullable<Principal['limit']>, row: OwnedRow): boolean {
  if ('ownerId' in limit) return row.owner_id === limit.ownerId;
  return row.kind === 'model' && row.id === limit.modelId;
}

/** Who is looking, as the SQL form of the rule needs it (null: anonymous). */
export interface Viewer {
  userId: number;
  all: boolean;
  /** Organisations the viewer is a member of. */
  orgs: number[];
  /** Of those, where the viewer is an admin. */
  adminOrgs: number[];
  /** A limited token's reach. */
  limit?: Principal['limit'];
}

export function viewerOf(caller: Principal | undefined): Viewer | null {
  if (!caller) return null;
  const orgs = [...(caller.orgs ?? new Map<number, Role>())];
  return {
    userId: caller.userId,
    all: caller.isAdmin,
    orgs: orgs.map(([id]) => id),
    adminOrgs: orgs.filter(([, r]) => r === 'admin').map(([id]) => id),
    ...(caller.limit && { limit: caller.limit }),
  };
}

/**
 * The same rule as `roleOn` ≥ read, as an SQL condition over a table aliased `alias`
 * whose `owner_id` and `visibility` columns are the resource's and whose `idColumn` is
 * the id collaborators are named on. Runs on SQLite and PostgreSQL.
 */
export function visibleSql(
  viewer: Viewer | null,
  alias: string,
  idColumn: string,
  kind: 'model' | 'dataset',
): RawBuilder<unknown> {
  const col = (c: string) => sql.ref(`${alias}.${c}`);
  if (!viewer) return sql`${col('visibility')} = 'public'`;
  if (viewer.limit) {
    const { limit, ...unlimited } = viewer;
    const within =
      'ownerId' in limit
        ? sql`${col('owner_id')} = ${limit.ownerId}`
        : kind === 'model'
          ? sql`${col(idColumn)} = ${limit.modelId}`
          : sql`1 = 0`;
    return sql`(${within} AND ${visibleSql(unlimited, alias, idColumn, kind)})`;
  }
  if (viewer.all) return sql`1 = 1`;
  const parts = [
    sql`${col('visibility')} = 'public'`,
    sql`${col('owner_id')} = ${viewer.userId}`,
    sql`${col(idColumn)} IN (SELECT c.resource_id FROM collaborators c WHERE c.resource = ${kind} AND c.user_id = ${viewer.userId})`,
  ];
  if (viewer.adminOrgs.length) parts.push(sql`${col('owner_id')} IN (${sql.join(viewer.adminOrgs)})`);
  if (viewer.orgs.length) {
    parts.push(sql`(${col('visibility')} = 'internal' AND ${col('owner_id')} IN (${sql.join(viewer.orgs)}))`);
  }
  return sql`(${sql.join(parts, sql` OR `)})`;
}
