import type { FastifyInstance } from 'fastify';
import { type Static, type TSchema, Type } from 'typebox';
import { principalOf } from '../api/request-auth.js';
import type { RecommendationService } from './recommendation-service.js';

const Params = Type.Object({ owner: Type.String(), name: Type.String() });
const Key = Type.Union([Type.String({ minLength: 1, maxLength: 256 }), Type.Integer()]);
const RecommendBody = Type.Object(
  {
    user: Key,
    k: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    excludeSeen: Type.Optional(Type.Boolean()),
    version: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);
const SimilarBody = Type.Object(
  {
    item: Key,
    k: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    version: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);

type P<T extends TSchema> = Static<T>;

/** `POST /models/{o}/{n}/recommend` and `/similar` under /api/v1. */
export async function recommendationRoutes(app: FastifyInstance, opts: { recommendations: RecommendationService }) {
  app.post<{ Params: P<typeof Params>; Body: P<typeof RecommendBody> }>(
    '/models/:owner/:name/recommend',
    {
      schema: {
        params: Params,
        body: RecommendBody,
        tags: ['serving'],
        summary: 'The top k items for a user (unknown users: the most popular, flagged)',
      },
      config: { scope: 'predict' },
    },
    async (req) => opts.recommendations.recommend(principalOf(req), req.params.owner, req.params.name, req.body),
  );
  app.post<{ Params: P<typeof Params>; Body: P<typeof SimilarBody> }>(
    '/models/:owner/:name/similar',
    {
      schema: { params: Params, body: SimilarBody, tags: ['serving'], summary: 'The k items most like an item' },
      config: { scope: 'predict' },
    },
    async (req) => opts.recommendations.similar(principalOf(req), req.params.owner, req.params.name, req.body),
  );
}
