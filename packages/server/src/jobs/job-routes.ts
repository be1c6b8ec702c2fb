import type { FastifyInstance } from 'fastify';
import { type Static, type TSchema, Type } from 'typebox';
import { principalOf } from '../api/request-auth.js';
import { algorithmCatalogue } from './algorithm-catalogue.js';
import type { JobEvent } from './job-events.js';
import type { JobService } from './job-service.js';

const Ref = Type.String({ minLength: 3, maxLength: 120 });
const NewTrainingJob = Type.Object(
  {
    model: Ref,
    dataset: Ref,
    task: Type.Union([
      Type.Literal('classification'),
      Type.Literal('regression'),
      Type.Literal('sentiment'),
      Type.Literal('recommendation'),
    ]),
    algorithm: Type.String({ maxLength: 64 }),
    /** Every task but recommendation (where it names the rating column, if given). */
    target: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    columns: Type.Optional(
      Type.Object(
        {
          user: Type.Optional(Type.String({ maxLength: 256 })),
          item: Type.Optional(Type.String({ maxLength: 256 })),
          value: Type.Optional(Type.String({ maxLength: 256 })),
          timestamp: Type.Optional(Type.String({ maxLength: 256 })),
          context: Type.Optional(Type.Array(Type.String({ maxLength: 256 }), { maxItems: 20 })),
        },
        { additionalProperties: false },
      ),
    ),
    features: Type.Optional(Type.Array(Type.String({ maxLength: 256 }), { minItems: 1, maxItems: 5000 })),
    params: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    text: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    split: Type.Optional(
      Type.Object(
        {
          testFraction: Type.Optional(Type.Number()),
          kFolds: Type.Optional(Type.Integer()),
          leaveLastN: Type.Optional(Type.Integer()),
        },
        { additionalProperties: false },
      ),
    ),
    seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 2 ** 32 - 1 })),
    kinds: Type.Optional(
      Type.Record(
        Type.String({ maxLength: 256 }),
        Type.Union([
          Type.Literal('numeric'),
          Type.Literal('categorical'),
          Type.Literal('ordinal'),
          Type.Literal('text'),
          Type.Literal('ignore'),
          Type.Object(
            {
              kind: Type.Literal('ordinal'),
              order: Type.Array(Type.String({ maxLength: 256 }), { minItems: 2, maxItems: 1000, uniqueItems: true }),
            },
            { additionalProperties: false },
          ),
        ]),
        {
          maxProperties: 5000,
          description:
            'how to read columns, over what the dataset schema inferred: numeric, categorical, text, ignore, or ordinal with its order ({"kind": "ordinal", "order": [lowest, …, highest]})',
        },
      ),
    ),
    classWeight: Type.Optional(
      Type.Union(
        [
          Type.Literal('balanced'),
          Type.Record(Type.String({ maxLength: 256 }), Type.Number({ minimum: 0, maximum: 1e6 }), {
            maxProperties: 1000,
          }),
        ],
        {
          description:
            'classification and sentiment: "balanced" (each class weighs n / (classes · n_class)) or a weight per class label',
        },
      ),
    ),
    timeLimitS: Type.Optional(Type.Integer({ minimum: 1 })),
    timeBudgetS: Type.Optional(
      Type.Integer({ minimum: 1, description: 'algorithm "auto": seconds to score candidates (120)' }),
    ),
    metric: Type.Optional(
      Type.String({ maxLength: 40, description: 'algorithm "auto": the metric that picks the winner' }),
    ),
    ensemble: Type.Optional(
      Type.Boolean({
        description:
          'algorithm "auto": also build a weighted average of the candidates, kept when it scores better (default true)',
      }),
    ),
    search: Type.Optional(
      Type.Object(
        {
          strategy: Type.Union([Type.Literal('grid'), Type.Literal('random')]),
          space: Type.Record(Type.String(), Type.Array(Type.Unknown(), { minItems: 1, maxItems: 100 })),
          trials: Type.Optional(Type.Integer({ minimum: 1 })),
          folds: Type.Optional(Type.Integer()),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
const NewBatchPrediction = Type.Object(
  { model: Ref, dataset: Ref, output: Type.Optional(Ref) },
  { additionalProperties: false },
);
const JobParams = Type.Object({ id: Type.String({ maxLength: 64 }) });
const ListQuery = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })) });

type P<T extends TSchema> = Static<T>;

/**
 * Jobs under /api/v1: training (and search) and batch predictions are submitted on their
 * own paths; every kind is listed, read, followed (server-sent events) and cancelled
 * under /training-jobs.
 */
export async function jobRoutes(app: FastifyInstance, opts: { jobs: JobService }) {
  const { jobs } = opts;

  app.post<{ Body: P<typeof NewTrainingJob> }>(
    '/training-jobs',
    {
      schema: { body: NewTrainingJob, tags: ['training'], summary: 'Queue a training job' },
      config: { scope: 'write' },
    },
    async (req, reply) =>
      reply.code(202).send(await jobs.submitTraining(principalOf(req), { ...req.body, target: req.body.target ?? '' })),
  );

  app.post<{ Body: P<typeof NewBatchPrediction> }>(
    '/batch-predictions',
    {
      schema: {
        body: NewBatchPrediction,
        tags: ['training'],
        summary: 'Queue a batch-prediction job: a model over a dataset version, written as a new dataset version',
      },
      config: { scope: 'write' },
    },
    async (req, reply) => reply.code(202).send(await jobs.submitBatchPrediction(principalOf(req), req.body)),
  );

  app.get(
    '/algorithms',
    {
      schema: {
        tags: ['training'],
        summary: 'The algorithms a training job may name, with their parameters and defaults',
      },
      config: { scope: 'optional' },
    },
    async () => ({ algorithms: algorithmCatalogue() }),
  );

  app.get<{ Querystring: P<typeof ListQuery> }>(
    '/training-jobs',
    { schema: { querystring: ListQuery, tags: ['training'] }, config: { scope: 'read' } },
    async (req) => ({ jobs: await jobs.list(principalOf(req), req.query.limit) }),
  );

  app.get<{ Params: P<typeof JobParams> }>(
    '/training-jobs/:id',
    { schema: { params: JobParams, tags: ['training'] }, config: { scope: 'read' } },
    async (req) => jobs.get(principalOf(req), req.params.id),
  );

  app.post<{ Params: P<typeof JobParams> }>(
    '/training-jobs/:id/cancel',
    { schema: { params: JobParams, tags: ['training'] }, config: { scope: 'write' } },
    async (req) => jobs.cancel(principalOf(req), req.params.id),
  );

  app.get<{ Params: P<typeof JobParams> }>(
    '/training-jobs/:id/events',
    {
      schema: {
        params: JobParams,
        tags: ['training'],
        summary: 'Server-sent events: `state` and `progress` (stage, percent, etaSeconds, metrics) until the job ends',
      },
      config: { scope: 'read' },
    },
    async (req, reply) => {
      const caller = principalOf(req);
      // Checked before the stream starts, so an unknown job is a plain 404.
      await jobs.get(caller, req.params.id);
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
        'x-request-id': String(req.id),
      });
      const send = (e: JobEvent) => {
        res.write(`event: ${e.type}\ndata: ${JSON.stringify(e.type === 'progress' ? e.progress : e)}\n\n`);
      };
      let unsubscribe: (() => void) | undefined;
      const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
      const close = () => {
        clearInterval(heartbeat);
        unsubscribe?.();
      };
      res.on('close', close);
      unsubscribe = await jobs.follow(caller, req.params.id, send, () => {
        close();
        res.end();
      });
      if (res.writableEnded) unsubscribe();
    },
  );
}
