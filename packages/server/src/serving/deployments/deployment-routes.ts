import type { FastifyInstance } from 'fastify';
import { type Static, type TSchema, Type } from 'typebox';
import { callerOf, principalOf } from '../../api/request-auth.js';
import type { DeploymentService } from './deployment-service.js';

const Params = Type.Object({ owner: Type.String(), name: Type.String() });
const Alias = Type.String({ pattern: '^[a-z][a-z0-9-]*$', maxLength: 63 });
const AliasQuery = Type.Object({ alias: Type.Optional(Alias) }, { additionalProperties: false });
const Version = Type.Integer({ minimum: 1 });
const DeploymentBody = Type.Object(
  {
    alias: Type.Optional(Alias),
    routes: Type.Array(
      Type.Object(
        { version: Version, weight: Type.Number({ minimum: 0, maximum: 100 }) },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 4 },
    ),
    shadow: Type.Optional(
      Type.Union([Type.Object({ version: Version }, { additionalProperties: false }), Type.Null()]),
    ),
    sticky: Type.Optional(Type.Union([Type.Literal('caller'), Type.Literal('key')])),
  },
  { additionalProperties: false },
);
const PromoteBody = Type.Object({ alias: Type.Optional(Alias) }, { additionalProperties: false });

type P<T extends TSchema> = Static<T>;

/** Rollouts of a model's alias: canary weights, a shadow, promote and roll back. */
export async function deploymentRoutes(app: FastifyInstance, opts: { deployments: DeploymentService }) {
  const { deployments } = opts;
  const tags = ['serving'];
  const base = '/models/:owner/:name/deployment';
  app.put<{ Params: P<typeof Params>; Body: P<typeof DeploymentBody> }>(
    base,
    {
      schema: {
        params: Params,
        body: DeploymentBody,
        tags,
        summary:
          "Split an alias's traffic between its version and a canary (sticky per caller, or per routing_key), with an optional shadow (writers)",
      },
      config: { scope: 'write' },
    },
    async (req) => deployments.put(principalOf(req), req.params.owner, req.params.name, req.body),
  );
  app.get<{ Params: P<typeof Params>; Querystring: P<typeof AliasQuery> }>(
    base,
    {
      schema: { params: Params, querystring: AliasQuery, tags, summary: 'A rollout with per-version metrics' },
      config: { scope: 'optional' },
    },
    async (req) => deployments.get(callerOf(req), req.params.owner, req.params.name, req.query.alias),
  );
  app.delete<{ Params: P<typeof Params>; Querystring: P<typeof AliasQuery> }>(
    base,
    {
      schema: {
        params: Params,
        querystring: AliasQuery,
        tags,
        summary: "Roll back: all traffic to the alias's version",
      },
      config: { scope: 'write' },
    },
    async (req, reply) => {
      await deployments.rollback(principalOf(req), req.params.owner, req.params.name, req.query.alias);
      return reply.code(204).send();
    },
  );
  app.post<{ Params: P<typeof Params>; Body: P<typeof PromoteBody> | null }>(
    `${base}/promote`,
    {
      schema: {
        params: Params,
        body: Type.Union([PromoteBody, Type.Null()]),
        tags,
        summary: 'Promote: the alias moves to the canary and the rollout ends',
      },
      config: { scope: 'write' },
    },
    async (req, reply) => {
      await deployments.promote(principalOf(req), req.params.owner, req.params.name, req.body?.alias);
      return reply.code(204).send();
    },
  );
}
