/** The events a webhook may listen to. */
export const WEBHOOK_EVENTS = [
  'model.version.created',
  'model.published',
  'training.succeeded',
  'training.failed',
  'proposal.opened',
  'proposal.evaluated',
  'proposal.merged',
  'discussion.comment',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];
