import type { WebhookEvent } from '@marquee/client';
import { type Command, opt, UsageError } from '../command.js';
import { clientFrom, connectionOptions } from '../credentials.js';
import { printList, textTable } from '../text-table.js';

const json = opt('boolean', 'print JSON instead of a table');

export const webhooksCreate: Command = {
  name: 'webhooks create',
  summary: "Send an owner's events to a URL, signed with a secret (HMAC-SHA256 in the marquee-signature header).",
  usage: 'webhooks create URL --owner OWNER --events E1,E2 (--secret S | MARQUEE_WEBHOOK_SECRET)',
  options: {
    owner: opt('string', 'whose events: you, or an organisation you administer'),
    events: opt(
      'string',
      'comma-separated: model.version.created, model.published, training.succeeded, training.failed, discussion.comment, proposal.*',
    ),
    secret: opt('string', 'at least 16 characters (or MARQUEE_WEBHOOK_SECRET)'),
    ...connectionOptions,
  },
  async run({ values, positionals }) {
    const url = positionals[0];
    if (!url) throw new UsageError('give the URL');
    const secret = (values.secret as string | undefined) ?? process.env.MARQUEE_WEBHOOK_SECRET;
    if (!values.owner || !values.events || !secret) throw new UsageError('give --owner, --events and --secret');
    const hook = await clientFrom(values).createWebhook({
      owner: values.owner as string,
      url,
      events: String(values.events)
        .split(',')
        .map((e) => e.trim()) as WebhookEvent[],
      secret,
    });
    console.log(`webhook ${hook.id}: ${hook.events.join(', ')} → ${hook.url}`);
    return 0;
  },
};

export const webhooksList: Command = {
  name: 'webhooks list',
  summary: 'Your webhooks and those of the organisations you administer.',
  usage: 'webhooks list [--json]',
  options: { json, ...connectionOptions },
  async run({ values }) {
    const hooks = await clientFrom(values).listWebhooks();
    printList(Boolean(values.json), hooks, () =>
      textTable(
        ['ID', 'OWNER', 'URL', 'EVENTS'],
        hooks.map((h) => [h.id, h.owner, h.url, h.events.join(',')]),
      ),
    );
    return 0;
  },
};

export const webhooksDeliveries: Command = {
  name: 'webhooks deliveries',
  summary: "A webhook's delivery log (attempts, answers, errors), or --replay DELIVERY to send one again.",
  usage: 'webhooks deliveries ID [--replay DELIVERY] [--json]',
  options: { replay: opt('string', 'the delivery to send again'), json, ...connectionOptions },
  async run({ values, positionals }) {
    const id = Number(positionals[0]);
    if (!Number.isInteger(id) || id < 1) throw new UsageError('give the webhook id');
    const client = clientFrom(values);
    if (values.replay !== undefined) await client.replayDelivery(id, Number(values.replay));
    const log = await client.webhookDeliveries(id);
    printList(Boolean(values.json), log, () =>
      textTable(
        ['DELIVERY', 'EVENT', 'STATE', 'ATTEMPTS', 'LAST', 'CREATED'],
        log.map((d) => [d.id, d.event, d.state, d.attempts, d.lastStatus ?? d.lastError, d.createdAt.slice(0, 19)]),
      ),
    );
    return 0;
  },
};

export const webhooksDelete: Command = {
  name: 'webhooks delete',
  summary: 'Remove a webhook.',
  usage: 'webhooks delete ID',
  options: { ...connectionOptions },
  async run({ values, positionals }) {
    const id = Number(positionals[0]);
    if (!Number.isInteger(id) || id < 1) throw new UsageError('give the webhook id');
    await clientFrom(values).deleteWebhook(id);
    console.log(`webhook ${id} removed`);
    return 0;
  },
};
