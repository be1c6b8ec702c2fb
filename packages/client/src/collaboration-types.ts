/** Collaboration's shapes: organisations, collaborators, audit, discussions, webhooks. */
export type Role = 'read' | 'write' | 'admin';

export interface Member {
  user: string;
  role: Role;
  since: string;
}

export interface Organisation {
  name: string;
  kind: 'org';
  createdAt: string;
  /** The caller's role in it, or null. */
  role: Role | null;
  /** Shown to members only. */
  members?: Member[];
}

/** One write call in the audit log. */
export interface AuditEntry {
  id: number;
  at: string;
  actor: string | null;
  /** The id of the token used (never the token). */
  token: string | null;
  address: string;
  method: string;
  route: string;
  path: string;
  status: number;
  requestId: string;
}

export interface AuditFilter {
  actor?: string;
  /** A path under /api/v1, e.g. `models/studio/recs`. */
  resource?: string;
  since?: string;
  until?: string;
  before?: number;
  limit?: number;
}

export interface Discussion {
  number: number;
  title: string;
  author: string;
  state: 'open' | 'closed';
  locked: boolean;
  comments: number;
  createdAt: string;
  updatedAt: string;
}

export interface DiscussionComment {
  id: number;
  author: string;
  /** Markdown; null when hidden (but to the resource's admins). */
  body: string | null;
  /** Safe HTML. */
  html: string | null;
  hidden: boolean;
  createdAt: string;
  editedAt: string | null;
}

export type WebhookEvent =
  | 'model.version.created'
  | 'model.published'
  | 'training.succeeded'
  | 'training.failed'
  | 'proposal.opened'
  | 'proposal.evaluated'
  | 'proposal.merged'
  | 'discussion.comment';

export interface Webhook {
  id: number;
  owner: string;
  url: string;
  events: WebhookEvent[];
  secretSet: true;
  createdAt: string;
}

export interface WebhookDelivery {
  id: number;
  event: WebhookEvent;
  state: 'pending' | 'delivered' | 'failed';
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  nextAt: string | null;
  createdAt: string;
  deliveredAt: string | null;
  payload: unknown;
}
