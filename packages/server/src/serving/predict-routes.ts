import type { FastifyInstance } from 'fastify';
import { type Static, type TSchema, Type } from 'typebox';
import { principalOf } from '../api/request-auth.js';
import type { RecordPredictor } from './record-predict.js';

const Params = Type.Object({ owner: Type.String(), name: Type.String() });
const Body = Type.Object(
  {
    instances: Type.Array(Type.Record(Type.String(), Type.Unknown()), { minItems: 1, maxItems: 10_000 }),
    /** A version number or alias; default the `champion` alias, else the latest. */
    version: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);

type P<T extends TSchema> = Static<T>;

/** Predictions on records by column name, under /api/v1. */
export async function predictRoutes(app: FastifyInstance, opts: { predictor: RecordPredictor }) {
  app.post<{ Params: P<typeof Params>; Body: P<typeof Body> }>(
    '/models/:owner/:name/predict',
    {
      schema: { params: Params, body: Body, tags: ['serving'], summary: 'Predict on records ({column: value})' },
      config: { scope: 'predict' },
    },
    async (req) =>
      opts.predictor.predict(principalOf(req), req.params.owner, req.params.name, req.body.version, req.body.instances),
  );
}
