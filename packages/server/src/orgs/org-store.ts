import type { Role } from '../auth/roles.js';
import { type Db, nowIso } from '../store/database.js';

/** What a collaborator is named on. */
export type ResourceKind = 'model' | 'dataset';

/**
 * Memberships and collaborators: the only code that touches org_members and
 * collaborators. No rules here; the org service decides.
 */
export class OrgStore {
  constructor(private readonly db: Db) {}

  async putMember(orgId: number, userId: number, role: Role): Promise<void> {
    await this.db
      .insertInto('org_members')
      .values({ org_id: orgId, user_id: userId, role, created_at: nowIso() })
      .onConflict((oc) => oc.columns(['org_id', 'user_id']).doUpdateSet({ role }))
      .execute();
  }

  async deleteMember(orgId: number, userId: number): Promise<boolean> {
    const res = await this.db
      .deleteFrom('org_members')
      .where('org_id', '=', orgId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }

  members(orgId: number): Promise<Array<{ user: string; role: Role; since: string }>> {
    return this.db
      .selectFrom('org_members')
      .innerJoin('owners', 'owners.id', 'org_members.user_id')
      .select(['owners.name as user', 'org_members.role as role', 'org_members.created_at as since'])
      .where('org_members.org_id', '=', orgId)
      .orderBy('owners.name')
      .execute() as Promise<Array<{ user: string; role: Role; since: string }>>;
  }

  /** Every org a user belongs to, with the role: what a principal carries. */
  async rolesOfUser(userId: number): Promise<Map<number, Role>> {
    const rows = await this.db
      .selectFrom('org_members')
      .select(['org_id', 'role'])
      .where('user_id', '=', userId)
      .execute();
    return new Map(rows.map((r) => [r.org_id, r.role as Role]));
  }

  async admins(orgId: number): Promise<number> {
    const row = await this.db
      .selectFrom('org_members')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('org_id', '=', orgId)
      .where('role', '=', 'admin')
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  async putCollaborator(kind: ResourceKind, resourceId: number, userId: number, role: Role): Promise<void> {
    await this.db
      .insertInto('collaborators')
      .values({ resource: kind, resource_id: resourceId, user_id: userId, role, created_at: nowIso() })
      .onConflict((oc) => oc.columns(['resource', 'resource_id', 'user_id']).doUpdateSet({ role }))
      .execute();
  }

  async deleteCollaborator(kind: ResourceKind, resourceId: number, userId: number): Promise<boolean> {
    const res = await this.db
      .deleteFrom('collaborators')
      .where('resource', '=', kind)
      .where('resource_id', '=', resourceId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }

  async collaboratorRole(kind: ResourceKind, resourceId: number, userId: number): Promise<Role | undefined> {
    const row = await this.db
      .selectFrom('collaborators')
      .select('role')
      .where('resource', '=', kind)
      .where('resource_id', '=', resourceId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row?.role as Role | undefined;
  }

  /** A resource's collaborators by user id (the predict path keeps them with its model entry). */
  async collaboratorRoles(kind: ResourceKind, resourceId: number): Promise<Map<number, Role>> {
    const rows = await this.db
      .selectFrom('collaborators')
      .select(['user_id', 'role'])
      .where('resource', '=', kind)
      .where('resource_id', '=', resourceId)
      .execute();
    return new Map(rows.map((r) => [r.user_id, r.role as Role]));
  }

  collaborators(kind: ResourceKind, resourceId: number): Promise<Array<{ user: string; role: Role; since: string }>> {
    return this.db
      .selectFrom('collaborators')
      .innerJoin('owners', 'owners.id', 'collaborators.user_id')
      .select(['owners.name as user', 'collaborators.role as role', 'collaborators.created_at as since'])
      .where('collaborators.resource', '=', kind)
      .where('collaborators.resource_id', '=', resourceId)
      .orderBy('owners.name')
      .execute() as Promise<Array<{ user: string; role: Role; since: string }>>;
  }
}
