import fs from 'node:fs';
import path from 'node:path';
import { Conflict, Invalid, NotFound, Unauthenticated } from '../api/errors.js';
import { OWNER_NAME } from '../registry/names.js';
import { type Db, nowIso } from '../store/database.js';
import { hashPassword, verifyPassword } from './password.js';
import { hasScope, type Principal, SCOPES, type Scope } from './scopes.js';
import { hashToken, newRawToken, newTokenId } from './token-codec.js';

export interface TokenView {
  id: string;
  name: string;
  kind: 'api' | 'session';
  scopes: Scope[];
  expiresAt: string | null;
  createdAt: string;
}

export interface UserView {
  id: number;
  username: string;
  isAdmin: boolean;
  createdAt: string;
}

const SESSION_DAYS = 7;
const PRINCIPAL_CACHE_MS = 5_000;
const MIN_PASSWORD = 8;

/**
 * Users, passwords and tokens. Every authenticated request goes through `authenticate`,
 * so it keeps a short-lived cache of token hash → principal; revoking a token clears it.
 */
export class AuthService {
  private cache = new Map<string, { principal: Principal; hash: string; until: number; expiresAt: number }>();

  constructor(private readonly db: Db) {}

  /**
   * Creates the `admin` user on a fresh store. Its token is `adminToken` when given (also
   * honoured later, when the variable is set on an existing store), else a new one written
   * to DATA/admin-token with mode 0600. Returns the new raw token when one was generated.
   */
  async bootstrapAdmin(dataDir: string, adminToken?: string): Promise<{ generatedToken?: string }> {
    let admin = await this.db.selectFrom('owners').select('id').where('name', '=', 'admin').executeTakeFirst();
    if (!admin) {
      const id = await this.insertUser('admin', null, true);
      admin = { id };
      const raw = adminToken ?? newRawToken();
      await this.insertToken(id, 'bootstrap', 'api', raw, [...SCOPES], null);
      if (!adminToken) {
        const file = path.join(dataDir, 'admin-token');
        fs.writeFileSync(`${file}.tmp`, `${raw}\n`, { mode: 0o600 });
        fs.renameSync(`${file}.tmp`, file);
        return { generatedToken: raw };
      }
      return {};
    }
    if (adminToken) {
      const known = await this.db
        .selectFrom('tokens')
        .select('id')
        .where('token_hash', '=', hashToken(adminToken))
        .executeTakeFirst();
      if (!known) await this.insertToken(admin.id, 'MARQUEE_ADMIN_TOKEN', 'api', adminToken, [...SCOPES], null);
    }
    return {};
  }

  async createUser(username: string, password: string): Promise<UserView> {
    if (!OWNER_NAME.test(username)) {
      throw new Invalid(`username must match ${OWNER_NAME.source}`);
    }
    if (password.length < MIN_PASSWORD) throw new Invalid(`password must have at least ${MIN_PASSWORD} characters`);
    const taken = await this.db.selectFrom('owners').select('id').where('name', '=', username).executeTakeFirst();
    if (taken) throw new Conflict(`the name "${username}" is taken`);
    const id = await this.insertUser(username, await hashPassword(password), false);
    return this.getUser(id);
  }

  async getUser(id: number): Promise<UserView> {
    const row = await this.db
      .selectFrom('users')
      .innerJoin('owners', 'owners.id', 'users.owner_id')
      .select(['owners.id', 'owners.name', 'owners.created_at', 'users.is_admin'])
      .where('owners.id', '=', id)
      .executeTakeFirst();
    if (!row) throw new NotFound('no such user');
    return { id: row.id, username: row.name, isAdmin: row.is_admin === 1, createdAt: row.created_at };
  }

  /** Checks a password and opens a session; the same answer for an unknown user and a wrong password. */
  async login(username: string, password: string): Promise<{ token: string; user: UserView; expiresAt: string }> {
    const row = await this.db
      .selectFrom('users')
      .innerJoin('owners', 'owners.id', 'users.owner_id')
      .select(['owners.id', 'users.password_hash', 'users.is_admin'])
      .where('owners.name', '=', username)
      .executeTakeFirst();
    const ok = row?.password_hash ? await verifyPassword(password, row.password_hash) : false;
    if (!row || !ok) throw new Unauthenticated('wrong username or password');
    const scopes: Scope[] = row.is_admin ? [...SCOPES] : ['read', 'write', 'predict'];
    const expiresAt = new Date(Date.now() + SESSION_DAYS * 86_400_000).toISOString();
    const token = newRawToken();
    await this.insertToken(row.id, 'session', 'session', token, scopes, expiresAt);
    return { token, user: await this.getUser(row.id), expiresAt };
  }

  async createToken(
    caller: Principal,
    input: { name: string; scopes: Scope[]; expiresAt?: string | null },
  ): Promise<{ token: string } & TokenView> {
    const missing = input.scopes.filter((s) => !hasScope(caller, s));
    if (missing.length > 0) throw new Invalid(`a token cannot carry scopes its creator lacks: ${missing.join(', ')}`);
    if (input.expiresAt && !(Date.parse(input.expiresAt) > Date.now())) {
      throw new Invalid('expiresAt must be a date-time in the future');
    }
    const raw = newRawToken();
    const expiresAt = input.expiresAt ? new Date(input.expiresAt).toISOString() : null;
    const id = await this.insertToken(caller.userId, input.name, 'api', raw, [...new Set(input.scopes)], expiresAt);
    return { token: raw, ...(await this.getToken(caller, id)) };
  }

  async listTokens(caller: Principal): Promise<TokenView[]> {
    const rows = await this.db
      .selectFrom('tokens')
      .selectAll()
      .where('user_id', '=', caller.userId)
      .orderBy('created_at')
      .execute();
    return rows.map(toTokenView);
  }

  async getToken(caller: Principal, id: string): Promise<TokenView> {
    const row = await this.db
      .selectFrom('tokens')
      .selectAll()
      .where('id', '=', id)
      .where('user_id', '=', caller.userId)
      .executeTakeFirst();
    if (!row) throw new NotFound(`no token ${id}`);
    return toTokenView(row);
  }

  /** Revokes one of the caller's tokens; it stops working at once in this process. */
  async deleteToken(caller: Principal, id: string): Promise<void> {
    const row = await this.db
      .deleteFrom('tokens')
      .where('id', '=', id)
      .where('user_id', '=', caller.userId)
      .returning('token_hash')
      .executeTakeFirst();
    if (!row) throw new NotFound(`no token ${id}`);
    this.forget(row.token_hash);
  }

  async revokeRawToken(raw: string): Promise<void> {
    const hash = hashToken(raw);
    await this.db.deleteFrom('tokens').where('token_hash', '=', hash).execute();
    this.forget(hash);
  }

  private forget(hash: string): void {
    for (const [raw, entry] of this.cache) if (entry.hash === hash) this.cache.delete(raw);
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
    const row = await this.db
      .selectFrom('tokens')
      .innerJoin('owners', 'owners.id', 'tokens.user_id')
      .innerJoin('users', 'users.owner_id', 'tokens.user_id')
      .select(['tokens.id', 'tokens.user_id', 'tokens.scopes', 'tokens.expires_at', 'owners.name', 'users.is_admin'])
      .where('tokens.token_hash', '=', hash)
      .executeTakeFirst();
    if (!row) {
      this.cache.delete(raw);
      return undefined;
    }
    const expiresAt = row.expires_at ? Date.parse(row.expires_at) : Number.POSITIVE_INFINITY;
    if (expiresAt <= now) return undefined;
    const principal: Principal = {
      userId: row.user_id,
      username: row.name,
      isAdmin: row.is_admin === 1,
      scopes: new Set(JSON.parse(row.scopes) as Scope[]),
      tokenId: row.id,
    };
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(raw, { principal, hash, until: now + PRINCIPAL_CACHE_MS, expiresAt });
    return principal;
  }

  /** The owner id of a user or organisation name. */
  async ownerId(name: string): Promise<number | undefined> {
    const row = await this.db.selectFrom('owners').select('id').where('name', '=', name).executeTakeFirst();
    return row?.id;
  }

  async ownerName(id: number): Promise<string> {
    const row = await this.db.selectFrom('owners').select('name').where('id', '=', id).executeTakeFirstOrThrow();
    return row.name;
  }

  private async insertUser(name: string, passwordHash: string | null, isAdmin: boolean): Promise<number> {
    return this.db.transaction().execute(async (tx) => {
      const owner = await tx
        .insertInto('owners')
        .values({ name, kind: 'user', created_at: nowIso() })
        .returning('id')
        .executeTakeFirstOrThrow();
      await tx
        .insertInto('users')
        .values({ owner_id: owner.id, password_hash: passwordHash, is_admin: isAdmin ? 1 : 0 })
        .execute();
      return owner.id;
    });
  }

  private async insertToken(
    userId: number,
    name: string,
    kind: 'api' | 'session',
    raw: string,
    scopes: Scope[],
    expiresAt: string | null,
  ): Promise<string> {
    const id = newTokenId();
    await this.db
      .insertInto('tokens')
      .values({
        id,
        user_id: userId,
        name,
        kind,
        token_hash: hashToken(raw),
        scopes: JSON.stringify(scopes),
        expires_at: expiresAt,
        created_at: nowIso(),
      })
      .execute();
    return id;
  }
}

function toTokenView(row: {
  id: string;
  name: string;
  kind: 'api' | 'session';
  scopes: string;
  expires_at: string | null;
  created_at: string;
}): TokenView {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    scopes: JSON.parse(row.scopes) as Scope[],
    expiresAt: row.expires_at,
    createdAt: row.created_at,
  };
}
