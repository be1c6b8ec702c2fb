import type { DiscussionService } from '../discussions/discussion-service.js';
import type { JobEvents } from '../jobs/job-events.js';
import type { JobStore } from '../jobs/job-store.js';
import type { ProposalService } from '../proposals/proposal-service.js';
import type { RegistryService } from '../registry/registry-service.js';
import type { WebhookEvent } from './webhook-events.js';
import type { WebhookService } from './webhook-service.js';

export interface PlatformEventSources {
  webhooks: WebhookService;
  registry: RegistryService;
  discussions: DiscussionService;
  jobEvents: JobEvents;
  jobStore: JobStore;
  proposals: ProposalService;
  log: (msg: string, fields?: Record<string, unknown>) => void;
}

/**
 * What the domains do, turned into the webhook events owners subscribe to: new versions,
 * training outcomes, published models, proposals and discussion comments. An event that
 * cannot be queued is logged, never allowed to fail what caused it.
 */
export function emitPlatformEvents(s: PlatformEventSources): void {
  const emit = (owner: string, event: WebhookEvent, data: Record<string, unknown>) =>
    void s.webhooks.emit(owner, event, data).catch((err) => s.log('webhook event lost', { err: String(err) }));

  s.registry.onVersionCreated(async (model, version, creator) =>
    emit(model.owner, 'model.version.created', {
      model: model.fullName,
      version: version.version,
      source: version.source,
      by: creator.username,
    }),
  );
  s.discussions.onComment((e) =>
    emit(e.owner, 'discussion.comment', {
      [e.kind]: `${e.owner}/${e.name}`,
      discussion: e.number,
      title: e.title,
      comment: e.comment,
      by: e.author,
    }),
  );
  s.jobEvents.onAny((jobId, e) => {
    if (e.type !== 'state' || (e.state !== 'succeeded' && e.state !== 'failed')) return;
    void s.jobStore.get(jobId).then((job) => {
      if (!job) return;
      const spec = JSON.parse(job.spec) as { model?: string; version?: number };
      const owner = spec.model?.split('/')[0];
      if (!owner) return;
      if (job.kind === 'train' || job.kind === 'search') {
        emit(owner, e.state === 'succeeded' ? 'training.succeeded' : 'training.failed', {
          job: jobId,
          model: spec.model,
          ...(e.state === 'succeeded' ? { result: e.result } : { error: e.error }),
        });
      } else if (job.kind === 'publish' && e.state === 'succeeded' && (e.result as { passed?: boolean })?.passed) {
        emit(owner, 'model.published', { job: jobId, model: spec.model, version: spec.version });
      }
    });
  });
  s.proposals.onEvent((event, model, proposal) =>
    emit(model.owner, event, {
      model: model.fullName,
      proposal: proposal.number,
      title: proposal.title,
      state: proposal.state,
      candidate: proposal.candidate,
      alias: proposal.alias,
      by: event === 'proposal.merged' ? proposal.merged?.by : proposal.author,
      ...(event === 'proposal.evaluated' && { rule: proposal.report?.rule ?? null }),
    }),
  );
}
