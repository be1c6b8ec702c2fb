import type { FastifyInstance } from 'fastify';
import { type Static, type TSchema, Type } from 'typebox';
import { principalOf } from '../api/request-auth.js';
import type { ModelPolicyService } from './model-policy-service.js';

const ModelParams = Type.Object({ owner: Type.String(), name: Type.String() });
const AliasParams = Type.Object({ owner: Type.String(), name: Type.String(), alias: Type.String({ maxLength: 63 }) });
const Column = Type.String({ minLength: 1, maxLength: 256 });
const EvaluationBody = Type.Object(
  {
    dataset: Type.String({ maxLength: 200, description: 'owner/name@version (the latest is pinned when omitted)' }),
    target: Column,
    split: Type.Optional(
      Type.Union([
        Type.Literal('all'),
        Type.Object(
          {
            testFraction: Type.Number({ minimum: 0.01, maximum: 0.99 }),
            seed: Type.Integer({ minimum: 0 }),
          },
          { additionalProperties: false },
        ),
      ]),
    ),
    features: Type.Optional(Type.Array(Column, { minItems: 1, maxItems: 10_000 })),
  },
  { additionalProperties: false },
);
const RuleBody = Type.Object(
  {
    metric: Type.String({ maxLength: 32 }),
    tolerance: Type.Number({
      minimum: 0,
      description: "How much worse than the current version's the candidate may be",
    }),
  },
  { additionalProperties: false },
);

type P<T extends TSchema> = Static<T>;

/** A model's evaluation data and protected aliases (its admins'). */
export async function modelPolicyRoutes(app: FastifyInstance, opts: { policy: ModelPolicyService }) {
  const { policy } = opts;
  const tags = ['proposals'];
  app.put<{ Params: P<typeof ModelParams>; Body: P<typeof EvaluationBody> }>(
    '/models/:owner/:name/evaluation',
    {
      schema: {
        params: ModelParams,
        body: EvaluationBody,
        tags,
        summary: 'Set the dataset version, target and split that change proposals are evaluated on (admins)',
      },
      config: { scope: 'write' },
    },
    async (req) => policy.setEvaluation(principalOf(req), req.params.owner, req.params.name, req.body),
  );
  app.delete<{ Params: P<typeof ModelParams> }>(
    '/models/:owner/:name/evaluation',
    {
      schema: { params: ModelParams, tags, summary: 'Forget the evaluation data (admins)' },
      config: { scope: 'write' },
    },
    async (req, reply) => {
      await policy.clearEvaluation(principalOf(req), req.params.owner, req.params.name);
      return reply.code(204).send();
    },
  );
  app.put<{ Params: P<typeof AliasParams>; Body: P<typeof RuleBody> }>(
    '/models/:owner/:name/aliases/:alias/protection',
    {
      schema: {
        params: AliasParams,
        body: RuleBody,
        tags,
        summary: 'Protect an alias: it then moves only by merging a proposal whose evaluation passes the rule (admins)',
      },
      config: { scope: 'write' },
    },
    async (req) => policy.protect(principalOf(req), req.params.owner, req.params.name, req.params.alias, req.body),
  );
  app.delete<{ Params: P<typeof AliasParams> }>(
    '/models/:owner/:name/aliases/:alias/protection',
    {
      schema: { params: AliasParams, tags, summary: 'Remove an alias’s protection (admins)' },
      config: { scope: 'write' },
    },
    async (req, reply) => {
      await policy.unprotect(principalOf(req), req.params.owner, req.params.name, req.params.alias);
      return reply.code(204).send();
    },
  );
}
