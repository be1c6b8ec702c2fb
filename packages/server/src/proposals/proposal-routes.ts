import type { FastifyInstance } from 'fastify';
import { type Static, type TSchema, Type } from 'typebox';
import { callerOf, principalOf } from '../api/request-auth.js';
import type { ProposalService } from './proposal-service.js';

const Params = Type.Object({ owner: Type.String(), name: Type.String() });
const NumberParams = Type.Object({ owner: Type.String(), name: Type.String(), number: Type.Integer({ minimum: 1 }) });
const Version = Type.Integer({ minimum: 1 });
const Source = Type.Union(
  [
    Type.Object({ version: Version }, { additionalProperties: false }),
    Type.Object({ model: Type.String({ maxLength: 104 }), version: Version }, { additionalProperties: false }),
    Type.Object({ job: Type.String({ maxLength: 64 }) }, { additionalProperties: false }),
  ],
  { description: '{version} of this model, {model, version} of a fork of it, or {job}: a training job' },
);
const OpenBody = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Type.String({ maxLength: 20_000, description: 'Markdown' })),
    source: Source,
    alias: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9-]*$', maxLength: 63, description: 'default champion' })),
  },
  { additionalProperties: false },
);
const StateBody = Type.Object(
  { state: Type.Union([Type.Literal('open'), Type.Literal('closed')]) },
  { additionalProperties: false },
);
const MergeBody = Type.Object(
  {
    canary: Type.Optional(
      Type.Object(
        { weight: Type.Integer({ minimum: 1, maximum: 99, description: 'percent of the alias’s traffic' }) },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
const ListQuery = Type.Object(
  {
    state: Type.Optional(
      Type.Union(
        ['waiting', 'evaluating', 'evaluated', 'failed', 'merging', 'merged', 'closed'].map((s) => Type.Literal(s)),
      ),
    ),
  },
  { additionalProperties: false },
);

type P<T extends TSchema> = Static<T>;

/** Change proposals on models under /api/v1. */
export async function proposalRoutes(app: FastifyInstance, opts: { proposals: ProposalService }) {
  const { proposals } = opts;
  const tags = ['proposals'];
  const base = '/models/:owner/:name/proposals';
  app.post<{ Params: P<typeof Params>; Body: P<typeof OpenBody> }>(
    base,
    {
      schema: {
        params: Params,
        body: OpenBody,
        tags,
        summary:
          'Propose a candidate version for an alias (anyone who may read the model); it is evaluated side by side',
      },
      config: { scope: 'write' },
    },
    async (req, reply) =>
      reply.code(201).send(await proposals.open(principalOf(req), req.params.owner, req.params.name, req.body)),
  );
  app.get<{ Params: P<typeof Params>; Querystring: P<typeof ListQuery> }>(
    base,
    {
      schema: { params: Params, querystring: ListQuery, tags, summary: "A model's proposals, newest first" },
      config: { scope: 'optional' },
    },
    async (req) => ({
      proposals: await proposals.list(callerOf(req), req.params.owner, req.params.name, req.query.state),
    }),
  );
  app.get<{ Params: P<typeof NumberParams> }>(
    `${base}/:number`,
    {
      schema: { params: NumberParams, tags, summary: 'A proposal with its evaluation report' },
      config: { scope: 'optional' },
    },
    async (req) => proposals.get(callerOf(req), req.params.owner, req.params.name, req.params.number),
  );
  app.patch<{ Params: P<typeof NumberParams>; Body: P<typeof StateBody> }>(
    `${base}/:number`,
    {
      schema: { params: NumberParams, body: StateBody, tags, summary: 'Close or reopen (the author or writers)' },
      config: { scope: 'write' },
    },
    async (req) =>
      proposals.setState(principalOf(req), req.params.owner, req.params.name, req.params.number, req.body.state),
  );
  app.post<{ Params: P<typeof NumberParams> }>(
    `${base}/:number/evaluate`,
    {
      schema: { params: NumberParams, tags, summary: 'Evaluate again (the author or writers)' },
      config: { scope: 'write' },
    },
    async (req, reply) =>
      reply
        .code(202)
        .send(await proposals.reevaluate(principalOf(req), req.params.owner, req.params.name, req.params.number)),
  );
  app.post<{ Params: P<typeof NumberParams>; Body: P<typeof MergeBody> | null }>(
    `${base}/:number/merge`,
    {
      schema: {
        params: NumberParams,
        body: Type.Union([MergeBody, Type.Null()]),
        tags,
        summary:
          'Merge: move the alias to the candidate, or start a canary of it with {canary: {weight}} (writers; a protected alias needs a passing evaluation)',
      },
      config: { scope: 'write' },
    },
    async (req) =>
      proposals.merge(principalOf(req), req.params.owner, req.params.name, req.params.number, req.body ?? {}),
  );
}
