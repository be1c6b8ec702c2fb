import type { FastifyInstance } from 'fastify';
import { type Static, type TSchema, Type } from 'typebox';
import { principalOf } from '../api/request-auth.js';
import { WEBHOOK_EVENTS } from './webhook-events.js';
import type { WebhookService } from './webhook-service.js';

const NewWebhook = Type.Object(
  {
    owner: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,38}$' }),
    url: Type.String({ minLength: 8, maxLength: 2_000 }),
    events: Type.Array(Type.Union(WEBHOOK_EVENTS.map((e) => Type.Literal(e))), { minItems: 1, maxItems: 20 }),
    secret: Type.String({ minLength: 16, maxLength: 200, description: 'signs every delivery (HMAC-SHA256)' }),
  },
  { additionalProperties: false },
);
const Params = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const DeliveryParams = Type.Object({ id: Type.Integer({ minimum: 1 }), delivery: Type.Integer({ minimum: 1 }) });

type P<T extends TSchema> = Static<T>;

/** Webhooks under /api/v1: signed events to an owner's URLs, with a delivery log and replay. */
export async function webhookRoutes(app: FastifyInstance, opts: { webhooks: WebhookService }) {
  const { webhooks } = opts;
  const tags = ['webhooks'];
  app.post<{ Body: P<typeof NewWebhook> }>(
    '/webhooks',
    {
      schema: { body: NewWebhook, tags, summary: 'Send signed events to a URL (an owner, or its admins)' },
      config: { scope: 'write' },
    },
    async (req, reply) => reply.code(201).send(await webhooks.create(principalOf(req), req.body)),
  );
  app.get(
    '/webhooks',
    { schema: { tags, summary: "Your webhooks and your organisations' (admins)" }, config: { scope: 'read' } },
    async (req) => ({ webhooks: await webhooks.list(principalOf(req)) }),
  );
  app.get<{ Params: P<typeof Params> }>(
    '/webhooks/:id',
    { schema: { params: Params, tags, summary: 'A webhook' }, config: { scope: 'read' } },
    async (req) => webhooks.get(principalOf(req), req.params.id),
  );
  app.delete<{ Params: P<typeof Params> }>(
    '/webhooks/:id',
    { schema: { params: Params, tags, summary: 'Remove a webhook' }, config: { scope: 'write' } },
    async (req, reply) => {
      await webhooks.delete(principalOf(req), req.params.id);
      return reply.code(204).send();
    },
  );
  app.get<{ Params: P<typeof Params> }>(
    '/webhooks/:id/deliveries',
    {
      schema: { params: Params, tags, summary: 'The delivery log, newest first: attempts, answers, errors' },
      config: { scope: 'read' },
    },
    async (req) => ({ deliveries: await webhooks.deliveries(principalOf(req), req.params.id) }),
  );
  app.post<{ Params: P<typeof DeliveryParams> }>(
    '/webhooks/:id/deliveries/:delivery/replay',
    { schema: { params: DeliveryParams, tags, summary: 'Send a delivery again' }, config: { scope: 'write' } },
    async (req, reply) =>
      reply.code(202).send(await webhooks.replay(principalOf(req), req.params.id, req.params.delivery)),
  );
}
