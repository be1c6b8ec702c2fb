import { type Db, nowIso } from '../store/database.js';
import type { TokensTable } from '../store/schema.js';
import type { Scope } from './scopes.js';

export type TokenRow = TokensTable;

/**
 * The identity queries: the only code that touches the owners, users and tokens tables.
 * Tokens are looked up by their sha256; raw tokens never reach this file.
 */
export class AuthStore {
  constructor(private readonly db: Db) {}

  async ownerIdByName(name: string): Promise<number | undefined> {
    return (await this.db.selectFrom('owners').select('id').where('name', '=', name).executeTakeFirst())?.id;
  }

  async ownerByName(name: string): Promise<{ id: number; kind: 'user' | 'org'; createdAt: string } | undefined> {
    const row = await this.db
      .selectFrom('owners')
      .select(['id', 'kind', 'created_at'])
      .where('name', '=', name)
      .executeTakeFirst();
    return row && { id: row.id, kind: row.kind, createdAt: row.created_at };
  }

  async ownerNameById(id: number): Promise<string | undefined> {
    return (await this.db.selectFrom('owners').select('name').where('id', '=', id).executeTakeFirst())?.name;
  }

  async insertOrg(name: string): Promise<number> {
    const row = await this.db
      .insertInto('owners')
      .values({ name, kind: 'org', created_at: nowIso() })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  /** Creates the owner and the user in one transaction; returns the id. */
  insertUser(name: string, passwordHash: string | null, isAdmin: boolean): Promise<number> {
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

  userById(id: number) {
    return this.db
      .selectFrom('users')
      .innerJoin('owners', 'owners.id', 'users.owner_id')
      .select(['owners.id', 'owners.name', 'owners.created_at', 'users.is_admin'])
      .where('owners.id', '=', id)
      .executeTakeFirst();
  }

  credentialsByName(username: string) {
    return this.db
      .selectFrom('users')
      .innerJoin('owners', 'owners.id', 'users.owner_id')
      .select(['owners.id', 'users.password_hash', 'users.is_admin'])
      .where('owners.name', '=', username)
      .executeTakeFirst();
  }

  async insertToken(t: {
    id: string;
    userId: number;
    name: string;
    kind: 'api' | 'session';
    hash: string;
    scopes: Scope[];
    expiresAt: string | null;
    limit?: { text: string; ownerId: number | null; modelId: number | null };
  }): Promise<void> {
    await this.db
      .insertInto('tokens')
      .values({
        id: t.id,
        user_id: t.userId,
        name: t.name,
        kind: t.kind,
        token_hash: t.hash,
        scopes: JSON.stringify(t.scopes),
        expires_at: t.expiresAt,
        created_at: nowIso(),
        limited_to: t.limit?.text ?? null,
        limit_owner_id: t.limit?.ownerId ?? null,
        limit_model_id: t.limit?.modelId ?? null,
      })
      .execute();
  }

  async tokenHashExists(hash: string): Promise<boolean> {
    return (
      (await this.db.selectFrom('tokens').select('id').where('token_hash', '=', hash).executeTakeFirst()) !== undefined
    );
  }

  tokensOfUser(userId: number): Promise<TokenRow[]> {
    return this.db.selectFrom('tokens').selectAll().where('user_id', '=', userId).orderBy('created_at').execute();
  }

  tokenOfUser(userId: number, id: string): Promise<TokenRow | undefined> {
    return this.db
      .selectFrom('tokens')
      .selectAll()
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .executeTakeFirst();
  }

  /** Deletes one of a user's tokens; returns its hash, or undefined when there was none. */
  async deleteTokenOfUser(userId: number, id: string): Promise<string | undefined> {
    const row = await this.db
      .deleteFrom('tokens')
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .returning('token_hash')
      .executeTakeFirst();
    return row?.token_hash;
  }

  async deleteTokenByHash(hash: string): Promise<void> {
    await this.db.deleteFrom('tokens').where('token_hash', '=', hash).execute();
  }

  /** What a request needs to know about the token with this hash and its user. */
  async touchToken(id: string): Promise<void> {
    await this.db.updateTable('tokens').set({ last_used_at: nowIso() }).where('id', '=', id).execute();
  }

  principalByTokenHash(hash: string) {
    return this.db
      .selectFrom('tokens')
      .innerJoin('owners', 'owners.id', 'tokens.user_id')
      .innerJoin('users', 'users.owner_id', 'tokens.user_id')
      .select([
        'tokens.id',
        'tokens.user_id',
        'tokens.scopes',
        'tokens.expires_at',
        'tokens.limit_owner_id',
        'tokens.limit_model_id',
        'owners.name',
        'users.is_admin',
      ])
      .where('tokens.token_hash', '=', hash)
      .executeTakeFirst();
  }
}
