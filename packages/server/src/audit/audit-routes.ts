import type { FastifyInstance } from 'fastify';
import { type Static, type TSchema, Type } from 'typebox';
import { principalOf } from '../api/request-auth.js';
import type { AuditService } from './audit-service.js';

const Filter = Type.Object(
  {
    actor: Type.Optional(Type.String({ maxLength: 39, description: 'only calls by this user' })),
    resource: Type.Optional(
      Type.String({ maxLength: 200, description: 'only calls under this path, e.g. models/studio/recs' }),
    ),
    since: Type.Optional(Type.String({ maxLength: 40, description: 'a date or time (inclusive)' })),
    until: Type.Optional(Type.String({ maxLength: 40, description: 'a date or time (exclusive)' })),
    before: Type.Optional(Type.Integer({ minimum: 1, description: 'the next page: entries older than this id' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  },
  { additionalProperties: false },
);
const OrgParams = Type.Object({ org: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,38}$' }) });

type P<T extends TSchema> = Static<T>;

/** The audit log, newest first: your own calls, and an organisation's for its admins. */
export async function auditRoutes(app: FastifyInstance, opts: { audit: AuditService }) {
  const { audit } = opts;
  const tags = ['audit'];
  app.get<{ Querystring: P<typeof Filter> }>(
    '/me/audit',
    { schema: { querystring: Filter, tags, summary: 'Your write calls, newest first' }, config: { scope: 'read' } },
    async (req) => ({ entries: await audit.mine(principalOf(req), req.query) }),
  );
  app.get<{ Params: P<typeof OrgParams>; Querystring: P<typeof Filter> }>(
    '/orgs/:org/audit',
    {
      schema: {
        params: OrgParams,
        querystring: Filter,
        tags,
        summary: "Every write call about an organisation and what it owns (the org's admins)",
      },
      config: { scope: 'read' },
    },
    async (req) => ({ entries: await audit.forOrg(principalOf(req), req.params.org, req.query) }),
  );
}
