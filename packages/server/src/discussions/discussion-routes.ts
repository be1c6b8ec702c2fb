import type { FastifyInstance } from 'fastify';
import { type Static, type TSchema, Type } from 'typebox';
import { callerOf, principalOf } from '../api/request-auth.js';
import type { DiscussionService } from './discussion-service.js';
import type { ResourceKind } from './discussion-store.js';

const Params = Type.Object({ owner: Type.String(), name: Type.String() });
const ThreadParams = Type.Object({ owner: Type.String(), name: Type.String(), number: Type.Integer({ minimum: 1 }) });
const CommentParams = Type.Object({
  owner: Type.String(),
  name: Type.String(),
  number: Type.Integer({ minimum: 1 }),
  id: Type.Integer({ minimum: 1 }),
});
const Body = Type.String({ minLength: 1, maxLength: 20_000, description: 'Markdown' });
const OpenBody = Type.Object(
  { title: Type.String({ minLength: 1, maxLength: 200 }), body: Body },
  { additionalProperties: false },
);
const State = Type.Union([Type.Literal('open'), Type.Literal('closed')]);
const ThreadPatch = Type.Object(
  {
    title: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    state: Type.Optional(State),
    locked: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
const CommentBody = Type.Object({ body: Body }, { additionalProperties: false });
const CommentPatch = Type.Object(
  { body: Type.Optional(Body), hidden: Type.Optional(Type.Boolean()) },
  { additionalProperties: false, minProperties: 1 },
);
const ListQuery = Type.Object({ state: Type.Optional(State) }, { additionalProperties: false });

type P<T extends TSchema> = Static<T>;

/** Discussions on models and datasets under /api/v1. */
export async function discussionRoutes(app: FastifyInstance, opts: { discussions: DiscussionService }) {
  const { discussions } = opts;
  const tags = ['discussions'];
  for (const [kind, plural] of [
    ['model', 'models'],
    ['dataset', 'datasets'],
  ] as Array<[ResourceKind, string]>) {
    const base = `/${plural}/:owner/:name/discussions`;
    app.post<{ Params: P<typeof Params>; Body: P<typeof OpenBody> }>(
      base,
      {
        schema: { params: Params, body: OpenBody, tags, summary: `Open a discussion on a ${kind}` },
        config: { scope: 'write' },
      },
      async (req, reply) =>
        reply
          .code(201)
          .send(await discussions.open(principalOf(req), kind, req.params.owner, req.params.name, req.body)),
    );
    app.get<{ Params: P<typeof Params>; Querystring: P<typeof ListQuery> }>(
      base,
      {
        schema: { params: Params, querystring: ListQuery, tags, summary: `A ${kind}'s discussions, newest first` },
        config: { scope: 'optional' },
      },
      async (req) => ({
        discussions: await discussions.list(callerOf(req), kind, req.params.owner, req.params.name, req.query.state),
      }),
    );
    app.get<{ Params: P<typeof ThreadParams> }>(
      `${base}/:number`,
      {
        schema: { params: ThreadParams, tags, summary: 'A discussion with its comments' },
        config: { scope: 'optional' },
      },
      async (req) => discussions.get(callerOf(req), kind, req.params.owner, req.params.name, req.params.number),
    );
    app.patch<{ Params: P<typeof ThreadParams>; Body: P<typeof ThreadPatch> }>(
      `${base}/:number`,
      {
        schema: {
          params: ThreadParams,
          body: ThreadPatch,
          tags,
          summary: 'Retitle, close or reopen (author or writers); lock (admins)',
        },
        config: { scope: 'write' },
      },
      async (req) =>
        discussions.update(principalOf(req), kind, req.params.owner, req.params.name, req.params.number, req.body),
    );
    app.get<{ Params: P<typeof ThreadParams> }>(
      `${base}/:number/comments`,
      { schema: { params: ThreadParams, tags, summary: "A discussion's comments" }, config: { scope: 'optional' } },
      async (req) => ({
        comments: (await discussions.get(callerOf(req), kind, req.params.owner, req.params.name, req.params.number))
          .thread,
      }),
    );
    app.post<{ Params: P<typeof ThreadParams>; Body: P<typeof CommentBody> }>(
      `${base}/:number/comments`,
      { schema: { params: ThreadParams, body: CommentBody, tags, summary: 'Comment' }, config: { scope: 'write' } },
      async (req, reply) =>
        reply
          .code(201)
          .send(
            await discussions.comment(
              principalOf(req),
              kind,
              req.params.owner,
              req.params.name,
              req.params.number,
              req.body.body,
            ),
          ),
    );
    app.patch<{ Params: P<typeof CommentParams>; Body: P<typeof CommentPatch> }>(
      `${base}/:number/comments/:id`,
      {
        schema: {
          params: CommentParams,
          body: CommentPatch,
          tags,
          summary: 'Edit your comment; hide or show one (admins)',
        },
        config: { scope: 'write' },
      },
      async (req) =>
        discussions.editComment(
          principalOf(req),
          kind,
          req.params.owner,
          req.params.name,
          req.params.number,
          req.params.id,
          req.body,
        ),
    );
  }
}
