import type { FastifyInstance } from 'fastify';
import { type Static, type TSchema, Type } from 'typebox';
import { principalOf } from '../api/request-auth.js';
import type { QuotaService } from './quota-service.js';

const Params = Type.Object({ owner: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,38}$' }) });
const Limit = Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]);
const QuotaBody = Type.Object(
  {
    storageBytes: Type.Optional(Limit),
    concurrentJobs: Type.Optional(Limit),
  },
  { additionalProperties: false, minProperties: 1 },
);

type P<T extends TSchema> = Static<T>;

/** Quotas under /api/v1: an owner's limits and usage; administrators set them. */
export async function quotaRoutes(app: FastifyInstance, opts: { quotas: QuotaService }) {
  const { quotas } = opts;
  const tags = ['quotas'];
  app.get<{ Params: P<typeof Params> }>(
    '/quotas/:owner',
    {
      schema: { params: Params, tags, summary: "An owner's quotas and usage (the owner, its members, admins)" },
      config: { scope: 'read' },
    },
    async (req) => quotas.view(principalOf(req), req.params.owner),
  );
  app.put<{ Params: P<typeof Params>; Body: P<typeof QuotaBody> }>(
    '/quotas/:owner',
    {
      schema: {
        params: Params,
        body: QuotaBody,
        tags,
        summary: "Set an owner's quotas (administrators; 0: no limit, null: the server's default)",
      },
      config: { scope: 'admin' },
    },
    async (req) => quotas.set(principalOf(req), req.params.owner, req.body),
  );
}
