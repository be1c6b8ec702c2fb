import type { FastifyInstance } from 'fastify';
import { type Static, type TSchema, Type } from 'typebox';
import { callerOf, principalOf } from '../api/request-auth.js';
import { Invalid } from '../errors.js';
import type { RegistryService } from '../registry/registry-service.js';
import type { CardService } from './card-service.js';
import { SEARCH_SORTS } from './listing-search.js';
import type { MarketService } from './market-service.js';
import { snippetsFor } from './snippets.js';

const ModelParams = Type.Object({ owner: Type.String(), name: Type.String() });
const CardBody = Type.Object({ markdown: Type.String({ maxLength: 100_000 }) }, { additionalProperties: false });
const PublishBody = Type.Object(
  {
    version: Type.Integer({ minimum: 1 }),
    evaluation: Type.Optional(
      Type.Object(
        {
          dataset: Type.String({ minLength: 3, maxLength: 120 }),
          target: Type.String({ minLength: 1, maxLength: 256 }),
          features: Type.Optional(Type.Array(Type.String({ maxLength: 256 }), { minItems: 1, maxItems: 5000 })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
const SnippetQuery = Type.Object(
  { version: Type.Optional(Type.Integer({ minimum: 1 })) },
  { additionalProperties: false },
);
const SearchQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 200 })),
    task: Type.Optional(Type.String({ maxLength: 64 })),
    tag: Type.Optional(Type.String({ maxLength: 64 })),
    license: Type.Optional(Type.String({ maxLength: 64 })),
    owner: Type.Optional(Type.String({ maxLength: 39 })),
    sort: Type.Optional(
      Type.String({
        pattern: `^(${SEARCH_SORTS.join('|')}|metric:[A-Za-z][A-Za-z0-9_]{0,40})$`,
        description: `${SEARCH_SORTS.join(', ')}, or metric:NAME (a verified metric, best first)`,
      }),
    ),
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  },
  { additionalProperties: false },
);

type P<T extends TSchema> = Static<T>;

/** The marketplace under /api/v1: cards, publishing, likes, snippets, search. */
export async function marketRoutes(
  app: FastifyInstance,
  opts: { market: MarketService; cards: CardService; registry: RegistryService },
) {
  const { market, cards, registry } = opts;

  app.get<{ Params: P<typeof ModelParams> }>(
    '/models/:owner/:name/card',
    {
      schema: {
        params: ModelParams,
        tags: ['marketplace'],
        summary: "A model's card (Markdown, front matter, safe HTML)",
      },
      config: { scope: 'optional' },
    },
    async (req) => cards.get(callerOf(req), req.params.owner, req.params.name),
  );

  app.put<{ Params: P<typeof ModelParams>; Body: P<typeof CardBody> }>(
    '/models/:owner/:name/card',
    {
      schema: { params: ModelParams, body: CardBody, tags: ['marketplace'], summary: "Replace a model's card" },
      config: { scope: 'write' },
    },
    async (req) => cards.put(principalOf(req), req.params.owner, req.params.name, req.body.markdown),
  );

  app.post<{ Params: P<typeof ModelParams>; Body: P<typeof PublishBody> }>(
    '/models/:owner/:name/publish',
    {
      schema: {
        params: ModelParams,
        body: PublishBody,
        tags: ['marketplace'],
        summary: 'Run the quality gate on a version as a job; listed when every check passes',
      },
      config: { scope: 'write' },
    },
    async (req, reply) =>
      reply.code(202).send(await market.publish(principalOf(req), req.params.owner, req.params.name, req.body)),
  );

  app.delete<{ Params: P<typeof ModelParams> }>(
    '/models/:owner/:name/publish',
    {
      schema: { params: ModelParams, tags: ['marketplace'], summary: 'Unpublish: remove the listing' },
      config: { scope: 'write' },
    },
    async (req, reply) => {
      await market.unpublish(principalOf(req), req.params.owner, req.params.name);
      return reply.code(204).send();
    },
  );

  for (const method of ['put', 'delete'] as const) {
    app[method]<{ Params: P<typeof ModelParams> }>(
      '/models/:owner/:name/like',
      {
        schema: {
          params: ModelParams,
          tags: ['marketplace'],
          summary: method === 'put' ? 'Like a model (once per user)' : 'Take a like back',
        },
        config: { scope: 'read' },
      },
      async (req) => market.like(principalOf(req), req.params.owner, req.params.name, method === 'put'),
    );
  }

  app.get<{ Params: P<typeof ModelParams>; Querystring: P<typeof SnippetQuery> }>(
    '/models/:owner/:name/snippets',
    {
      schema: {
        params: ModelParams,
        querystring: SnippetQuery,
        tags: ['marketplace'],
        summary: 'Code that calls the model: curl, TypeScript, Python, CLI',
      },
      config: { scope: 'optional' },
    },
    async (req) => {
      const { owner, name } = req.params;
      const caller = callerOf(req);
      const model = await registry.getModel(caller, owner, name);
      const version = req.query.version ?? model.aliases.champion ?? model.latestVersion;
      if (version === null || version === undefined) throw new Invalid(`model ${owner}/${name} has no versions yet`);
      const v = await registry.getVersion(caller, owner, name, version);
      return snippetsFor(`${req.protocol}://${req.host}`, model.fullName, v.version, v.signature, v.example);
    },
  );

  app.get<{ Querystring: P<typeof SearchQuery> }>(
    '/market/search',
    {
      schema: {
        querystring: SearchQuery,
        tags: ['marketplace'],
        summary: 'Search published models, with facet counts',
      },
      config: { scope: 'optional' },
    },
    async (req) => {
      const q = req.query;
      return market.search(callerOf(req), {
        ...(q.q && { q: q.q }),
        ...(q.task && { task: q.task }),
        ...(q.tag && { tag: q.tag }),
        ...(q.license && { license: q.license }),
        ...(q.owner && { owner: q.owner }),
        ...(q.sort && { sort: q.sort as never }),
        page: q.page ?? 1,
        limit: q.limit ?? 20,
      });
    },
  );
}
