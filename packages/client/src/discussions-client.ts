import { queryString, resourcePath } from './resource-path.js';
import type { Transport } from './transport.js';
import type { Discussion, DiscussionComment } from './types.js';

/** Where a discussion lives: a model's or a dataset's page. */
export type DiscussionKind = 'models' | 'datasets';

export type DiscussionThread = Discussion & { thread: DiscussionComment[] };

/** Discussions and their comments on a model or a dataset (`client.discussions`). */
export class DiscussionsClient {
  constructor(private readonly t: Transport) {}

  open(kind: DiscussionKind, fullName: string, title: string, body: string): Promise<DiscussionThread> {
    return this.t.json('POST', this.path(kind, fullName), { title, body });
  }
  async list(kind: DiscussionKind, fullName: string, state?: 'open' | 'closed'): Promise<Discussion[]> {
    const page = await this.t.json<{ discussions: Discussion[] }>(
      'GET',
      `${this.path(kind, fullName)}${queryString({ state })}`,
    );
    return page.discussions;
  }
  get(kind: DiscussionKind, fullName: string, num: number): Promise<DiscussionThread> {
    return this.t.json('GET', `${this.path(kind, fullName)}/${num}`);
  }
  update(
    kind: DiscussionKind,
    fullName: string,
    num: number,
    patch: { title?: string; state?: 'open' | 'closed'; locked?: boolean },
  ): Promise<DiscussionThread> {
    return this.t.json('PATCH', `${this.path(kind, fullName)}/${num}`, patch);
  }
  comment(kind: DiscussionKind, fullName: string, num: number, body: string): Promise<DiscussionComment> {
    return this.t.json('POST', `${this.path(kind, fullName)}/${num}/comments`, { body });
  }
  editComment(
    kind: DiscussionKind,
    fullName: string,
    num: number,
    id: number,
    patch: { body?: string; hidden?: boolean },
  ): Promise<DiscussionComment> {
    return this.t.json('PATCH', `${this.path(kind, fullName)}/${num}/comments/${id}`, patch);
  }

  private path(kind: DiscussionKind, fullName: string): string {
    return `/api/v1/${kind}/${resourcePath(fullName)}/discussions`;
  }
}
