import fs from 'node:fs';
import path from 'node:path';
import { Conflict, Forbidden, Invalid, NotFound, Unauthenticated } from '../errors.js';
import { OWNER_NAME } from '../registry/names.js';
import type { AuthStore, TokenRow } from './auth-store.js';
import { hashPassword, verifyPassword } from './password.js';
import type { Role } from './roles.js';
import { hasScope, type Principal, SCOPES, type Scope } from './scopes.js';
import { SignInThrottle } from './sign-in-throttle.js';
import { hashToken, newRawToken, newTokenId } from './token-codec.js';

export interface TokenView {
  id: string;
  name: string;
  kind: 'api' | 'session';
  scopes: Scope[];
  expiresAt: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  /** `org:NAME` or `model:OWNER/NAME` for a limited token. */
  limitedTo: string | null;
}

export interface UserView {
  id: number;
  username: string;
  isAdmin: boolean;
  createdAt: string;
}

/** Which cached principals to drop: a token's (by its hash) or a user's. */
export type CachedPrincipals = { hash: string } | { userId: number };

const SESSION_DAYS = 7;
const PRINCIPAL_CACHE_MS = 5_000;
const MIN_PASSWORD = 8;

/**
 * Users, passwords and tokens. Every authenticated request goes through `authenticate`,
 * so it keeps a short-lived cache of token hash → principal; revoking a token clears it.
 */
export class AuthService {
  private readonly throttle = new SignInThrottle();
  private cache = new Map<string, { principal: Principal; hash: string; until: number; expiresAt: number }>();

  constructor(
    private readonly store: AuthStore,
    /** The organisations a user belongs to (the orgs domain keeps them). */
    private readonly orgRoles: (userId: number) => Promise<Map<number, Role>> = async () => new Map(),
  ) {}

  /**
   * Makes sure the `admin` user exists and can log in. Its token is `adminToken` when
   * given (also honoured later, when the variable is set on an existing store). Otherwise,
   * when admin has no token at all (a fresh store, a start that died halfway through
   * bootstrap, or every admin token revoked), a new one is made, written to DATA/admin-token
   * (mode 0600, through a temporary file) before it is stored, and returned to be printed once.
   */
  async bootstrapAdmin(dataDir: string, adminToken?: string): Promise<{ generatedToken?: string }> {
    const adminId = (await this.store.ownerIdByName('admin')) ?? (await this.store.insertUser('admin', null, true));
    if (adminToken) {
      if (!(await this.store.tokenHashExists(hashToken(adminToken)))) {
        await this.insertToken(adminId, 'MARQUEE_ADMIN_TOKEN', 'api', adminToken, [...SCOPES], null);
      }
      return {};
    }
    if ((await this.store.tokensOfUser(adminId)).length > 0) return {};
    const raw = newRawToken();
    const file = path.join(dataDir, 'admin-token');
    fs.writeFileSync(`${file}.tmp`, `${raw}\n`, { mode: 0o600 });
    fs.renameSync(`${file}.tmp`, file);
    await this.insertToken(adminId, 'bootstrap', 'api', raw, [...SCOPES], null);
    return { generatedToken: raw };
  }

  async createUser(username: string, password: string): Promise<UserView> {
    if (!OWNER_NAME.test(username)) {
      throw new Invalid(`username must match ${OWNER_NAME.source}`);
    }
    if (password.length < MIN_PASSWORD) throw new Invalid(`password must have at least ${MIN_PASSWORD} characters`);
    if ((await this.store.ownerIdByName(username)) !== undefined) throw new Conflict(`the name "${username}" is taken`);
    const id = await this.store.insertUser(username, await hashPassword(password), false);
    return this.getUser(id);
  }

  async getUser(id: number): Promise<UserView> {
    const row = await this.store.userById(id);
    if (!row) throw new NotFound('no such user');
    return { id: row.id, username: row.name, isAdmin: row.is_admin === 1, createdAt: row.created_at };
  }

  /** Checks a password and opens a session; the same answer for an unknown user and a wrong password. */
  async login(
    username: string,
    password: string,
    address = '',
  ): Promise<{ token: string; user: UserView; expiresAt: string }> {
    this.throttle.check(username, address);
    const row = await this.store.credentialsByName(username);
    const ok = row?.password_hash ? await verifyPassword(password, row.password_hash) : false;
    if (!row || !ok) {
      this.throttle.failed(username, address);
      throw new Unauthenticated('wrong username or password');
    }
    this.throttle.succeeded(username);
    const scopes: Scope[] = row.is_admin ? [...SCOPES] : ['read', 'write', 'predict'];
    const expiresAt = new Date(Date.now() + SESSION_DAYS * 86_400_000).toISOString();
    const token = newRawToken();
    await this.insertToken(row.id, 'session', 'session', token, scopes, expiresAt);
    return { token, user: await this.getUser(row.id), expiresAt };
  }

  /** How a token limited to a model finds it (the registry says, and checks the caller sees it). */
  useModelLookup(lookup: (caller: Principal, fullName: string) => Promise<{ id: number; ownerId: number }>): void {
    this.modelLookup = lookup;
  }

  private modelLookup: (caller: Principal, fullName: string) => Promise<{ id: number; ownerId: number }> = async (
    _c,
    name,
  ) => {
    throw new NotFound(`no model ${name}`);
  };

  async createToken(
    caller: Principal,
    input: { name: string; scopes: Scope[]; expiresAt?: string | null; limitTo?: { org?: string; model?: string } },
  ): Promise<{ token: string } & TokenView> {
    if (caller.limit) throw new Forbidden('a limited token cannot make tokens');
    const missing = input.scopes.filter((s) => !hasScope(caller, s));
    if (missing.length > 0) throw new Invalid(`a token cannot carry scopes its creator lacks: ${missing.join(', ')}`);
    if (input.expiresAt && !(Date.parse(input.expiresAt) > Date.now())) {
      throw new Invalid('expiresAt must be a date-time in the future');
    }
    const raw = newRawToken();
    const expiresAt = input.expiresAt ? new Date(input.expiresAt).toISOString() : null;
    const limit = input.limitTo && (await this.tokenLimit(caller, input.limitTo));
    const id = await this.insertToken(
      caller.userId,
      input.name,
      'api',
      raw,
      [...new Set(input.scopes)],
      expiresAt,
      limit,
    );
    return { token: raw, ...(await this.getToken(caller, id)) };
  }

  /** What a token may be limited to: an organisation the caller belongs to, or a model the caller sees. */
  private async tokenLimit(
    caller: Principal,
    to: { org?: string; model?: string },
  ): Promise<{ text: string; ownerId: number | null; modelId: number | null }> {
    if ((to.org === undefined) === (to.model === undefined)) throw new Invalid('limit a token to one org or one model');
    if (to.org !== undefined) {
      const org = await this.store.ownerByName(to.org);
      if (!org || org.kind !== 'org' || !(caller.isAdmin || caller.orgs?.has(org.id))) {
        throw new NotFound(`no organisation ${to.org} of yours`);
      }
      return { text: `org:${to.org}`, ownerId: org.id, modelId: null };
    }
    const model = to.model as string;
    const found = await this.modelLookup(caller, model);
    // The owner is kept too: an organisation's internal model stays visible through the org role.
    return { text: `model:${model}`, ownerId: found.ownerId, modelId: found.id };
  }

  async listTokens(caller: Principal): Promise<TokenView[]> {
    return (await this.store.tokensOfUser(caller.userId)).map(toTokenView);
  }

  async getToken(caller: Principal, id: string): Promise<TokenView> {
    const row = await this.store.tokenOfUser(caller.userId, id);
    if (!row) throw new NotFound(`no token ${id}`);
    return toTokenView(row);
  }

  /** Revokes one of the caller's tokens; it stops working at once in this process. */
  async deleteToken(caller: Principal, id: string): Promise<void> {
    const hash = await this.store.deleteTokenOfUser(caller.userId, id);
    if (!hash) throw new NotFound(`no token ${id}`);
    this.forget(hash);
  }

  async revokeRawToken(raw: string): Promise<void> {
    const hash = hashToken(raw);
    await this.store.deleteTokenByHash(hash);
    this.forget(hash);
  }

  private forget(hash: string): void {
    this.forgetCached({ hash });
    this.broadcast({ hash });
  }

  /** Tells the other processes of a cluster what to drop from their caches (none in the embedded mode). */
  private broadcast: (what: CachedPrincipals) => void = () => {};

  useBroadcast(send: (what: CachedPrincipals) => void): void {
    this.broadcast = send;
  }

  forgetAllCached(): void {
    this.cache.clear();
  }

  /** Drops cached principals of a token (by its hash) or of a user; what another process asks for. */
  forgetCached(what: CachedPrincipals): void {
    for (const [raw, entry] of this.cache)
      if ('hash' in what ? entry.hash === what.hash : entry.principal.userId === what.userId) this.cache.delete(raw);
  }

  /**
   * The cached principal of a raw token, without touching the database: the predict path
   * asks this first. Keyed by the raw token, which this process holds anyway while a
   * request is in flight, so a hit costs one map lookup and no hashing.
   */
  cachedPrincipal(raw: string): Principal | undefined {
    const hit = this.cache.get(raw);
    const now = Date.now();
    return hit && hit.until > now && hit.expiresAt > now ? hit.principal : undefined;
  }

  /** The principal behind a raw token, or undefined when it is unknown or expired. */
  async authenticate(raw: string): Promise<Principal | undefined> {
    const cached = this.cachedPrincipal(raw);
    if (cached) return cached;
    const hash = hashToken(raw);
    const now = Date.now();
    const row = await this.store.principalByTokenHash(hash);
    if (!row) {
      this.cache.delete(raw);
      return undefined;
    }
    const expiresAt = row.expires_at ? Date.parse(row.expires_at) : Number.POSITIVE_INFINITY;
    if (expiresAt <= now) return undefined;
    const orgs = await this.orgRoles(row.user_id);
    const limited = row.limit_owner_id !== null || row.limit_model_id !== null;
    const principal: Principal = {
      userId: row.user_id,
      username: row.name,
      // A limited token is never a site admin's, and carries at most the one organisation
      // it is limited to: org-wide calls (members, audit, webhooks, quotas) see no more.
      isAdmin: row.is_admin === 1 && !limited,
      scopes: new Set(JSON.parse(row.scopes) as Scope[]),
      tokenId: row.id,
      orgs: limited ? new Map([...orgs].filter(([id]) => id === row.limit_owner_id)) : orgs,
      ...(row.limit_model_id !== null
        ? { limit: { modelId: row.limit_model_id } }
        : row.limit_owner_id !== null && { limit: { ownerId: row.limit_owner_id } }),
    };
    // Only on a cache miss: the time is right to within the cache's few seconds, at no cost to hits.
    await this.store.touchToken(row.id);
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(raw, { principal, hash, until: now + PRINCIPAL_CACHE_MS, expiresAt });
    return principal;
  }

  /** Who a job acts as: its creator, with the read and write scopes its submission needed. */
  async principalForJob(userId: number, jobId: string): Promise<Principal> {
    const user = await this.getUser(userId);
    return {
      userId,
      username: user.username,
      isAdmin: user.isAdmin,
      scopes: new Set(['read', 'write']),
      tokenId: `job:${jobId}`,
      orgs: await this.orgRoles(userId),
    };
  }

  /** Who the server's own work (demo content) acts as: a user by name, with every scope the user may hold. */
  async actAs(username: string): Promise<Principal> {
    const id = await this.store.ownerIdByName(username);
    if (id === undefined) throw new NotFound(`no user ${username}`);
    const user = await this.getUser(id);
    return {
      userId: id,
      username,
      isAdmin: user.isAdmin,
      scopes: new Set(user.isAdmin ? SCOPES : ['read', 'write', 'predict']),
      tokenId: `server:${username}`,
      orgs: await this.orgRoles(id),
    };
  }

  /** Drops a user's cached principals, so a change to their memberships counts at their next call. */
  forgetUser(userId: number): void {
    this.forgetCached({ userId });
    this.broadcast({ userId });
  }

  /** Creates an organisation: an owner in the users' namespace that nobody signs in as. */
  async createOrg(name: string): Promise<number> {
    if (!OWNER_NAME.test(name)) throw new Invalid(`an organisation's name must match ${OWNER_NAME.source}`);
    if ((await this.store.ownerIdByName(name)) !== undefined) throw new Conflict(`the name "${name}" is taken`);
    return this.store.insertOrg(name);
  }

  /** An owner's name by id (undefined when gone). */
  async ownerName(id: number): Promise<string | undefined> {
    return this.store.ownerNameById(id);
  }

  /** An owner by name: a user or an organisation. */
  owner(name: string): Promise<{ id: number; kind: 'user' | 'org'; createdAt: string } | undefined> {
    return this.store.ownerByName(name);
  }

  /** The owner id of a user or organisation name. */
  ownerId(name: string): Promise<number | undefined> {
    return this.store.ownerIdByName(name);
  }

  private async insertToken(
    userId: number,
    name: string,
    kind: 'api' | 'session',
    raw: string,
    scopes: Scope[],
    expiresAt: string | null,
    limit?: { text: string; ownerId: number | null; modelId: number | null },
  ): Promise<string> {
    const id = newTokenId();
    await this.store.insertToken({
      id,
      userId,
      name,
      kind,
      hash: hashToken(raw),
      scopes,
      expiresAt,
      ...(limit && { limit }),
    });
    return id;
  }
}

function toTokenView(row: TokenRow): TokenView {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    scopes: JSON.parse(row.scopes) as Scope[],
    expiresAt: row.expires_at,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at ?? null,
    limitedTo: row.limited_to ?? null,
  };
}
