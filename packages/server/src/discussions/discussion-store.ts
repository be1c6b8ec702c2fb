import type { Selectable } from 'kysely';
import { type Db, lockParentRow, nowIso } from '../store/database.js';
import type { DiscussionCommentsTable, DiscussionsTable } from '../store/schema.js';

export type DiscussionRow = Selectable<DiscussionsTable> & { author: string; comments: number };
export type CommentRow = Selectable<DiscussionCommentsTable> & { author: string };
export type ResourceKind = 'model' | 'dataset';

/** Discussions and their comments: the only code that touches their tables. */
export class DiscussionStore {
  constructor(private readonly db: Db) {}

  /** Opens a thread with its first comment, numbered next for the resource, in one transaction. */
  open(kind: ResourceKind, resourceId: number, authorId: number, title: string, body: string): Promise<number> {
    return this.db.transaction().execute(async (tx) => {
      await lockParentRow(tx, kind === 'model' ? 'models' : 'datasets', resourceId);
      const last = await tx
        .selectFrom('discussions')
        .select((eb) => eb.fn.max('number').as('n'))
        .where('resource', '=', kind)
        .where('resource_id', '=', resourceId)
        .executeTakeFirst();
      const number = Number(last?.n ?? 0) + 1;
      const now = nowIso();
      const row = await tx
        .insertInto('discussions')
        .values({
          resource: kind,
          resource_id: resourceId,
          number,
          title,
          author_id: authorId,
          state: 'open',
          locked: 0,
          created_at: now,
          updated_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await tx
        .insertInto('discussion_comments')
        .values({ discussion_id: row.id, author_id: authorId, body, hidden: 0, created_at: now, edited_at: null })
        .execute();
      return number;
    });
  }

  private threads() {
    return this.db
      .selectFrom('discussions as d')
      .innerJoin('owners as o', 'o.id', 'd.author_id')
      .selectAll('d')
      .select('o.name as author')
      .select((eb) =>
        eb
          .selectFrom('discussion_comments as c')
          .select((e) => e.fn.countAll<number>().as('n'))
          .whereRef('c.discussion_id', '=', 'd.id')
          .as('comments'),
      );
  }

  list(kind: ResourceKind, resourceId: number, state?: string): Promise<DiscussionRow[]> {
    let q = this.threads()
      .where('d.resource', '=', kind)
      .where('d.resource_id', '=', resourceId)
      .orderBy('d.number', 'desc');
    if (state) q = q.where('d.state', '=', state);
    return q.execute() as Promise<DiscussionRow[]>;
  }

  get(kind: ResourceKind, resourceId: number, number: number): Promise<DiscussionRow | undefined> {
    return this.threads()
      .where('d.resource', '=', kind)
      .where('d.resource_id', '=', resourceId)
      .where('d.number', '=', number)
      .executeTakeFirst() as Promise<DiscussionRow | undefined>;
  }

  async update(id: number, set: Partial<{ title: string; state: string; locked: number }>): Promise<void> {
    await this.db
      .updateTable('discussions')
      .set({ ...set, updated_at: nowIso() })
      .where('id', '=', id)
      .execute();
  }

  comments(discussionId: number): Promise<CommentRow[]> {
    return this.db
      .selectFrom('discussion_comments as c')
      .innerJoin('owners as o', 'o.id', 'c.author_id')
      .selectAll('c')
      .select('o.name as author')
      .where('c.discussion_id', '=', discussionId)
      .orderBy('c.id')
      .execute();
  }

  comment(discussionId: number, id: number): Promise<CommentRow | undefined> {
    return this.db
      .selectFrom('discussion_comments as c')
      .innerJoin('owners as o', 'o.id', 'c.author_id')
      .selectAll('c')
      .select('o.name as author')
      .where('c.discussion_id', '=', discussionId)
      .where('c.id', '=', id)
      .executeTakeFirst();
  }

  async addComment(discussionId: number, authorId: number, body: string): Promise<number> {
    const now = nowIso();
    return this.db.transaction().execute(async (tx) => {
      const row = await tx
        .insertInto('discussion_comments')
        .values({ discussion_id: discussionId, author_id: authorId, body, hidden: 0, created_at: now, edited_at: null })
        .returning('id')
        .executeTakeFirstOrThrow();
      await tx.updateTable('discussions').set({ updated_at: now }).where('id', '=', discussionId).execute();
      return row.id;
    });
  }

  async updateComment(id: number, set: Partial<{ body: string; hidden: number }>): Promise<void> {
    await this.db
      .updateTable('discussion_comments')
      .set({ ...set, ...(set.body !== undefined && { edited_at: nowIso() }) })
      .where('id', '=', id)
      .execute();
  }
}
