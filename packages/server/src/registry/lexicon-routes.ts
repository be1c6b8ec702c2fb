import type { FastifyInstance } from 'fastify';
import { type Static, type TSchema, Type } from 'typebox';
import { principalOf } from '../api/request-auth.js';
import type { LexiconModels } from './lexicon-models.js';

const Params = Type.Object({ owner: Type.String(), name: Type.String() });
const Body = Type.Object(
  {
    column: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    classes: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 2, maxItems: 2 })),
    evaluate: Type.Optional(
      Type.Object(
        { dataset: Type.String({ maxLength: 120 }), target: Type.String({ maxLength: 256 }) },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

type P<T extends TSchema> = Static<T>;

/** `POST /models/{o}/{n}/lexicon`: a sentiment version from the AFINN-165 word list, no training. */
export async function lexiconRoutes(app: FastifyInstance, opts: { lexicons: LexiconModels }) {
  app.post<{ Params: P<typeof Params>; Body: P<typeof Body> }>(
    '/models/:owner/:name/lexicon',
    {
      schema: {
        params: Params,
        body: Body,
        tags: ['models'],
        summary:
          'Create a sentiment version from the AFINN-165 word list (no training); optionally measured on a dataset',
      },
      config: { scope: 'write' },
    },
    async (req, reply) =>
      reply
        .code(201)
        .send(await opts.lexicons.create(principalOf(req), req.params.owner, req.params.name, req.body as never)),
  );
}
