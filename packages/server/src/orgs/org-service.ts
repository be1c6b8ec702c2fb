import type { AuthService } from '../auth/auth-service.js';
import type { Role } from '../auth/roles.js';
import type { Principal } from '../auth/scopes.js';
import type { DatasetService } from '../datasets/dataset-service.js';
import { Conflict, Forbidden, NotFound } from '../errors.js';
import type { RegistryService } from '../registry/registry-service.js';
import type { OrgStore, ResourceKind } from './org-store.js';

export interface Member {
  user: string;
  role: Role;
  since: string;
}

export interface OrgView {
  name: string;
  kind: 'org';
  createdAt: string;
  /** The caller's role in it, if any. */
  role: Role | null;
  /** Shown to its members (and site admins) only. */
  members?: Member[];
}

/**
 * Organisations and who may do what: members with a role in an organisation, and
 * collaborators with a role on one model or dataset. The rules that use them live in
 * auth/resource-access.ts; this service changes them. Only an organisation's admins
 * change its members, and the last admin can neither leave nor be demoted.
 */
export class OrgService {
  constructor(
    private readonly store: OrgStore,
    private readonly auth: AuthService,
    private readonly registry: RegistryService,
    private readonly datasets: DatasetService,
  ) {}

  async createOrg(caller: Principal, name: string): Promise<OrgView> {
    const id = await this.auth.createOrg(name);
    await this.store.putMember(id, caller.userId, 'admin');
    this.auth.forgetUser(caller.userId);
    return this.getOrg({ ...caller, orgs: new Map([...(caller.orgs ?? []), [id, 'admin']]) }, name);
  }

  async getOrg(caller: Principal | undefined, name: string): Promise<OrgView> {
    const org = await this.org(name);
    const role = caller?.orgs?.get(org.id) ?? null;
    return {
      name,
      kind: 'org',
      createdAt: org.createdAt,
      role,
      ...((role || caller?.isAdmin) && { members: await this.store.members(org.id) }),
    };
  }

  async setMember(caller: Principal, orgName: string, username: string, role: Role): Promise<OrgView> {
    const org = await this.org(orgName);
    this.mustAdminister(caller, org.id, orgName);
    const user = await this.user(username);
    const current = (await this.store.rolesOfUser(user.id)).get(org.id);
    if (current === 'admin' && role !== 'admin') await this.keepAnAdmin(org.id, orgName);
    await this.store.putMember(org.id, user.id, role);
    this.auth.forgetUser(user.id);
    return this.getOrg(caller, orgName);
  }

  /** Removes a member; a member may also leave by themselves. */
  async removeMember(caller: Principal, orgName: string, username: string): Promise<void> {
    const org = await this.org(orgName);
    const user = await this.user(username);
    if (user.id !== caller.userId) this.mustAdminister(caller, org.id, orgName);
    const current = (await this.store.rolesOfUser(user.id)).get(org.id);
    if (!current) throw new NotFound(`${username} is not a member of ${orgName}`);
    if (current === 'admin') await this.keepAnAdmin(org.id, orgName);
    await this.store.deleteMember(org.id, user.id);
    this.auth.forgetUser(user.id);
  }

  /** Roles of a user in every organisation (what a principal carries). */
  rolesOf(userId: number): Promise<Map<number, Role>> {
    return this.store.rolesOfUser(userId);
  }

  async collaborators(caller: Principal, kind: ResourceKind, owner: string, name: string): Promise<Member[]> {
    const ref = await this.resource(caller, kind, owner, name, 'write');
    return this.store.collaborators(kind, ref.id);
  }

  async setCollaborator(
    caller: Principal,
    kind: ResourceKind,
    owner: string,
    name: string,
    username: string,
    role: Role,
  ): Promise<Member[]> {
    const ref = await this.resource(caller, kind, owner, name, 'admin');
    const user = await this.user(username);
    await this.store.putCollaborator(kind, ref.id, user.id, role);
    if (kind === 'model') await this.registry.accessChanged(`${owner}/${name}`);
    return this.store.collaborators(kind, ref.id);
  }

  async removeCollaborator(
    caller: Principal,
    kind: ResourceKind,
    owner: string,
    name: string,
    username: string,
  ): Promise<void> {
    const ref = await this.resource(caller, kind, owner, name, 'admin');
    const user = await this.user(username);
    if (!(await this.store.deleteCollaborator(kind, ref.id, user.id))) {
      throw new NotFound(`${username} is not a collaborator on ${owner}/${name}`);
    }
    if (kind === 'model') await this.registry.accessChanged(`${owner}/${name}`);
  }

  private resource(caller: Principal, kind: ResourceKind, owner: string, name: string, need: Role) {
    return kind === 'model'
      ? this.registry.modelRef(caller, owner, name, need)
      : this.datasets.datasetRef(caller, owner, name, need);
  }

  private mustAdminister(caller: Principal, orgId: number, orgName: string): void {
    if (modelLimited(caller) || (!caller.isAdmin && caller.orgs?.get(orgId) !== 'admin')) {
      throw new Forbidden(`only the admins of ${orgName} change its members`);
    }
  }

  private async keepAnAdmin(orgId: number, orgName: string): Promise<void> {
    if ((await this.store.admins(orgId)) <= 1) {
      throw new Conflict(`${orgName} needs an admin: make another member admin first`);
    }
  }

  private async org(name: string): Promise<{ id: number; createdAt: string }> {
    const owner = await this.auth.owner(name);
    if (!owner || owner.kind !== 'org') throw new NotFound(`no organisation ${name}`);
    return owner;
  }

  private async user(name: string): Promise<{ id: number }> {
    const owner = await this.auth.owner(name);
    if (!owner || owner.kind !== 'user') throw new NotFound(`no user ${name}`);
    return owner;
  }
}

/** A token limited to one model reaches that model, never an organisation's settings. */
function modelLimited(caller: Principal): boolean {
  return caller.limit !== undefined && 'modelId' in caller.limit;
}
