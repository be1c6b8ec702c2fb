import fs from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { type Static, type TSchema, Type } from 'typebox';
import { callerOf, principalOf } from '../../api/request-auth.js';
import { BENCHMARK_TASKS, type BenchmarkService } from './benchmark-service.js';

const BENCHMARK_NAME = '^[a-z0-9][a-z0-9-]{1,63}$';
const NameParams = Type.Object({ name: Type.String({ pattern: BENCHMARK_NAME }) });
const RegisterBody = Type.Object(
  {
    name: Type.String({ pattern: BENCHMARK_NAME, description: 'lowercase letters, digits and dashes' }),
    task: Type.Union(BENCHMARK_TASKS.map((t) => Type.Literal(t))),
    description: Type.Optional(Type.String({ maxLength: 5_000 })),
    dataset: Type.String({
      minLength: 3,
      maxLength: 120,
      description: 'a private dataset version, owner/name@version',
    }),
    target: Type.String({ minLength: 1, maxLength: 256 }),
    metric: Type.String({ minLength: 1, maxLength: 32, description: 'accuracy or macroF1; rmse, mae or r2' }),
    testFraction: Type.Optional(Type.Number({ minimum: 0.05, maximum: 0.5, description: 'default 0.2' })),
    seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 2 ** 31 - 1, description: 'default 0' })),
  },
  { additionalProperties: false },
);
const SubmitBody = Type.Object(
  {
    model: Type.String({ minLength: 3, maxLength: 104, description: 'owner/name' }),
    version: Type.Integer({ minimum: 1 }),
    features: Type.Optional(Type.Array(Type.String({ maxLength: 256 }), { minItems: 1, maxItems: 5000 })),
  },
  { additionalProperties: false },
);
const TaskQuery = Type.Object({ task: Type.Optional(Type.String({ maxLength: 64 })) }, { additionalProperties: false });
const LeaderboardParams = Type.Object({ task: Type.String({ maxLength: 64 }) });
const LeaderboardQuery = Type.Object(
  { benchmark: Type.Optional(Type.String({ pattern: BENCHMARK_NAME })) },
  { additionalProperties: false },
);

type P<T extends TSchema> = Static<T>;

/** Benchmarks and leaderboards under /api/v1/market. */
export async function benchmarkRoutes(app: FastifyInstance, opts: { benchmarks: BenchmarkService }) {
  const { benchmarks } = opts;
  const tags = ['marketplace'];

  app.post<{ Body: P<typeof RegisterBody> }>(
    '/market/benchmarks',
    {
      schema: {
        body: RegisterBody,
        tags,
        summary:
          'Register a benchmark: a private dataset version split once into a public training part and a hidden test part (admin)',
      },
      config: { scope: 'admin' },
    },
    async (req, reply) => reply.code(201).send(await benchmarks.register(principalOf(req), req.body)),
  );

  app.get<{ Querystring: P<typeof TaskQuery> }>(
    '/market/benchmarks',
    { schema: { querystring: TaskQuery, tags, summary: 'The benchmarks, by name' }, config: { scope: 'optional' } },
    async (req) => ({ items: await benchmarks.list(callerOf(req), req.query.task) }),
  );

  app.get<{ Params: P<typeof NameParams> }>(
    '/market/benchmarks/:name',
    { schema: { params: NameParams, tags, summary: 'A benchmark' }, config: { scope: 'optional' } },
    async (req) => benchmarks.get(callerOf(req), req.params.name),
  );

  app.get<{ Params: P<typeof NameParams> }>(
    '/market/benchmarks/:name/train',
    {
      schema: {
        params: NameParams,
        tags,
        summary: "A benchmark's training part as CSV (the test part never leaves the server)",
      },
      config: { scope: 'optional' },
    },
    async (req, reply) => {
      const part = await benchmarks.trainPart(req.params.name);
      reply
        .type('text/csv; charset=utf-8')
        .header('content-length', fs.statSync(part.path).size)
        .header('x-row-count', part.rows)
        .header('content-disposition', `attachment; filename="${part.filename}"`);
      return reply.send(fs.createReadStream(part.path));
    },
  );

  app.post<{ Params: P<typeof NameParams>; Body: P<typeof SubmitBody> }>(
    '/market/benchmarks/:name/submissions',
    {
      schema: {
        params: NameParams,
        body: SubmitBody,
        tags,
        summary: 'Evaluate a version that passed the quality gate on the hidden test part, as a job',
      },
      config: { scope: 'write' },
    },
    async (req, reply) => reply.code(202).send(await benchmarks.submit(principalOf(req), req.params.name, req.body)),
  );

  app.get<{ Params: P<typeof LeaderboardParams>; Querystring: P<typeof LeaderboardQuery> }>(
    '/market/leaderboards/:task',
    {
      schema: {
        params: LeaderboardParams,
        querystring: LeaderboardQuery,
        tags,
        summary: "A task's benchmarks (or the one named), each with its platform-measured results, best first",
      },
      config: { scope: 'optional' },
    },
    async (req) => benchmarks.leaderboard(callerOf(req), req.params.task, req.query.benchmark),
  );
}
