import type { FastifyInstance } from 'fastify';
import { type Static, type TSchema, Type } from 'typebox';
import { principalOf } from '../api/request-auth.js';
import type { BehaviourService } from './behaviour-service.js';

const Ref = Type.String({ minLength: 3, maxLength: 120 });
const Name = Type.String({ minLength: 1, maxLength: 256 });
const Features = Type.Object(
  {
    dataset: Ref,
    output: Ref,
    columns: Type.Optional(
      Type.Object(
        {
          user: Type.Optional(Name),
          item: Type.Optional(Name),
          event: Type.Optional(Name),
          timestamp: Type.Optional(Name),
          value: Type.Optional(Name),
        },
        { additionalProperties: false },
      ),
    ),
    asOf: Type.Optional(Type.String({ maxLength: 40 })),
    churnCutoff: Type.Optional(Type.String({ maxLength: 40 })),
  },
  { additionalProperties: false },
);
const Segments = Type.Object(
  {
    dataset: Ref,
    output: Ref,
    userColumn: Type.Optional(Name),
    features: Type.Optional(Type.Array(Name, { minItems: 1, maxItems: 500 })),
    k: Type.Optional(
      Type.Array(Type.Integer(), { minItems: 2, maxItems: 2, description: '[smallest, largest] k to try' }),
    ),
    seed: Type.Optional(Type.Integer({ minimum: 0 })),
    minSegmentShare: Type.Optional(
      Type.Number({ minimum: 0, maximum: 0.49, description: 'smallest share of users a segment must hold (0.05)' }),
    ),
    events: Type.Optional(
      Type.Object(
        { dataset: Ref, user: Type.Optional(Name), item: Type.Optional(Name) },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

type P<T extends TSchema> = Static<T>;

/** User-behaviour jobs under /api/v1 (followed, like every job, under /training-jobs/{id}). */
export async function behaviourRoutes(app: FastifyInstance, opts: { behaviour: BehaviourService }) {
  app.post<{ Body: P<typeof Features> }>(
    '/behaviour/features',
    {
      schema: {
        body: Features,
        tags: ['behaviour'],
        summary: 'Queue a job computing per-user features from an event log',
      },
      config: { scope: 'write' },
    },
    async (req, reply) => reply.code(202).send(await opts.behaviour.submitFeatures(principalOf(req), req.body)),
  );
  app.post<{ Body: P<typeof Segments> }>(
    '/behaviour/segments',
    {
      schema: {
        body: Segments,
        tags: ['behaviour'],
        summary: 'Queue a job segmenting users by k-means, k chosen by silhouette',
      },
      config: { scope: 'write' },
    },
    async (req, reply) =>
      reply.code(202).send(await opts.behaviour.submitSegments(principalOf(req), req.body as never)),
  );
}
