import type { Role } from '../auth/roles.js';
import type { Principal } from '../auth/scopes.js';
import type { DatasetService } from '../datasets/dataset-service.js';
import { Forbidden, NotFound } from '../errors.js';
import type { RegistryService } from '../registry/registry-service.js';
import { renderSafeHtml } from '../safe-markdown.js';
import type { CommentRow, DiscussionRow, DiscussionStore, ResourceKind } from './discussion-store.js';

export interface DiscussionView {
  number: number;
  title: string;
  author: string;
  state: 'open' | 'closed';
  locked: boolean;
  comments: number;
  createdAt: string;
  updatedAt: string;
}

export interface CommentEvent {
  kind: ResourceKind;
  owner: string;
  name: string;
  number: number;
  title: string;
  author: string;
  comment: number;
}

export interface CommentView {
  id: number;
  author: string;
  /** Markdown as written; null when hidden (but to the resource's admins). */
  body: string | null;
  /** The body as safe HTML (no raw HTML, no script links). */
  html: string | null;
  hidden: boolean;
  createdAt: string;
  editedAt: string | null;
}

/**
 * Discussions on a model or dataset. Whoever may see the resource may read them and,
 * signed in, open one or comment; authors edit their own comments; the thread's author or
 * the resource's writers close and reopen it; its admins lock it (only admins comment
 * then) and hide comments. What users write is Markdown, shown as safe HTML.
 */
export class DiscussionService {
  private commentListeners: Array<(e: CommentEvent) => void> = [];

  constructor(
    private readonly store: DiscussionStore,
    private readonly registry: RegistryService,
    private readonly datasets: DatasetService,
  ) {}

  /** Told about every new comment (a thread's first included), after it is stored. */
  onComment(listener: (e: CommentEvent) => void): void {
    this.commentListeners.push(listener);
  }

  async open(
    caller: Principal,
    kind: ResourceKind,
    owner: string,
    name: string,
    input: { title: string; body: string },
  ): Promise<DiscussionView & { thread: CommentView[] }> {
    const r = await this.access(caller, kind, owner, name);
    const number = await this.store.open(kind, r.id, caller.userId, input.title, input.body);
    const view = await this.get(caller, kind, owner, name, number);
    this.told({
      kind,
      owner,
      name,
      number,
      title: input.title,
      author: caller.username,
      comment: view.thread[0]?.id ?? 0,
    });
    return view;
  }

  async list(
    caller: Principal | undefined,
    kind: ResourceKind,
    owner: string,
    name: string,
    state?: 'open' | 'closed',
  ): Promise<DiscussionView[]> {
    const r = await this.access(caller, kind, owner, name);
    return (await this.store.list(kind, r.id, state)).map(toView);
  }

  async get(
    caller: Principal | undefined,
    kind: ResourceKind,
    owner: string,
    name: string,
    number: number,
  ): Promise<DiscussionView & { thread: CommentView[] }> {
    const r = await this.access(caller, kind, owner, name);
    const d = await this.thread(kind, r.id, number, owner, name);
    const comments = await this.store.comments(d.id);
    return { ...toView(d), thread: comments.map((c) => toComment(c, r.role === 'admin')) };
  }

  async update(
    caller: Principal,
    kind: ResourceKind,
    owner: string,
    name: string,
    number: number,
    patch: { title?: string; state?: 'open' | 'closed'; locked?: boolean },
  ): Promise<DiscussionView & { thread: CommentView[] }> {
    const r = await this.access(caller, kind, owner, name);
    const d = await this.thread(kind, r.id, number, owner, name);
    const mayEdit = d.author_id === caller.userId || r.role === 'write' || r.role === 'admin';
    if ((patch.title !== undefined || patch.state !== undefined) && !mayEdit) {
      throw new Forbidden("only the discussion's author or the resource's writers change its title or state");
    }
    if (patch.locked !== undefined && r.role !== 'admin')
      throw new Forbidden("only the resource's admins lock a discussion");
    await this.store.update(d.id, {
      ...(patch.title !== undefined && { title: patch.title }),
      ...(patch.state !== undefined && { state: patch.state }),
      ...(patch.locked !== undefined && { locked: patch.locked ? 1 : 0 }),
    });
    return this.get(caller, kind, owner, name, number);
  }

  async comment(
    caller: Principal,
    kind: ResourceKind,
    owner: string,
    name: string,
    number: number,
    body: string,
  ): Promise<CommentView> {
    const r = await this.access(caller, kind, owner, name);
    const d = await this.thread(kind, r.id, number, owner, name);
    if (d.locked && r.role !== 'admin') throw new Forbidden(`discussion #${number} is locked`);
    const id = await this.store.addComment(d.id, caller.userId, body);
    this.told({ kind, owner, name, number, title: d.title, author: caller.username, comment: id });
    return toComment((await this.store.comment(d.id, id)) as CommentRow, r.role === 'admin');
  }

  async editComment(
    caller: Principal,
    kind: ResourceKind,
    owner: string,
    name: string,
    number: number,
    commentId: number,
    patch: { body?: string; hidden?: boolean },
  ): Promise<CommentView> {
    const r = await this.access(caller, kind, owner, name);
    const d = await this.thread(kind, r.id, number, owner, name);
    const c = await this.store.comment(d.id, commentId);
    if (!c) throw new NotFound(`discussion #${number} has no comment ${commentId}`);
    if (patch.body !== undefined && c.author_id !== caller.userId)
      throw new Forbidden('only its author edits a comment');
    if (patch.hidden !== undefined && r.role !== 'admin')
      throw new Forbidden("only the resource's admins hide comments");
    await this.store.updateComment(c.id, {
      ...(patch.body !== undefined && { body: patch.body }),
      ...(patch.hidden !== undefined && { hidden: patch.hidden ? 1 : 0 }),
    });
    return toComment((await this.store.comment(d.id, c.id)) as CommentRow, r.role === 'admin');
  }

  private told(e: CommentEvent): void {
    for (const l of this.commentListeners) l(e);
  }

  /** The resource's id and the caller's role on it (NotFound when they may not see it). */
  private async access(
    caller: Principal | undefined,
    kind: ResourceKind,
    owner: string,
    name: string,
  ): Promise<{ id: number; role: Role }> {
    const ref = (need: Role) =>
      kind === 'model'
        ? this.registry.modelRef(caller, owner, name, need)
        : this.datasets.datasetRef(caller as Principal, owner, name, need);
    if (caller) {
      for (const need of ['admin', 'write'] as const) {
        try {
          return { id: (await ref(need)).id, role: need };
        } catch (err) {
          if (!(err instanceof Forbidden)) throw err;
        }
      }
    }
    return { id: (await ref('read')).id, role: 'read' };
  }

  private async thread(
    kind: ResourceKind,
    resourceId: number,
    number: number,
    owner: string,
    name: string,
  ): Promise<DiscussionRow> {
    const d = await this.store.get(kind, resourceId, number);
    if (!d) throw new NotFound(`${owner}/${name} has no discussion #${number}`);
    return d;
  }
}

function toView(d: DiscussionRow): DiscussionView {
  return {
    number: d.number,
    title: d.title,
    author: d.author,
    state: d.state as 'open' | 'closed',
    locked: d.locked === 1,
    comments: Number(d.comments),
    createdAt: d.created_at,
    updatedAt: d.updated_at,
  };
}

function toComment(c: CommentRow, admin: boolean): CommentView {
  const shown = c.hidden === 0 || admin;
  return {
    id: c.id,
    author: c.author,
    body: shown ? c.body : null,
    html: shown ? renderSafeHtml(c.body) : null,
    hidden: c.hidden === 1,
    createdAt: c.created_at,
    editedAt: c.edited_at,
  };
}
