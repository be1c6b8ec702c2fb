import type { FastifyInstance } from 'fastify';
import { type Static, Type } from 'typebox';
import { callerOf, principalOf, rawTokenOf, SESSION_COOKIE } from '../api/request-auth.js';
import { Forbidden } from '../errors.js';
import type { AuthService } from './auth-service.js';
import { SCOPES } from './scopes.js';
import { csrfTokenFor } from './token-codec.js';

const Credentials = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 39 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { additionalProperties: false },
);

const NewToken = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    scopes: Type.Array(Type.Union(SCOPES.map((s) => Type.Literal(s))), { minItems: 1, maxItems: 4 }),
    expiresAt: Type.Optional(Type.Union([Type.String({ format: 'date-time' }), Type.Null()])),
    limitTo: Type.Optional(
      Type.Object(
        {
          org: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,38}$' })),
          model: Type.Optional(Type.String({ maxLength: 104, description: 'owner/name' })),
        },
        { additionalProperties: false, description: 'one of the two: what the token may reach' },
      ),
    ),
  },
  { additionalProperties: false },
);

const TokenId = Type.Object({ id: Type.String({ maxLength: 64 }) });

/** Users, login/logout and API tokens under /api/v1. */
export async function authRoutes(
  app: FastifyInstance,
  opts: { auth: AuthService; secureCookies: boolean; allowSignup: boolean },
) {
  const { auth } = opts;
  const cookie = (value: string, maxAge: number) =>
    `${SESSION_COOKIE}=${encodeURIComponent(value)}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${opts.secureCookies ? '; Secure' : ''}`;

  app.post<{ Body: Static<typeof Credentials> }>(
    '/users',
    { schema: { body: Credentials, tags: ['identity'], summary: 'Create a user (admin)' }, config: { scope: 'admin' } },
    async (req, reply) => reply.code(201).send(await auth.createUser(req.body.username, req.body.password)),
  );

  app.post<{ Body: Static<typeof Credentials> }>(
    '/auth/login',
    {
      schema: {
        body: Credentials,
        tags: ['identity'],
        summary: 'Log in: a token for the CLI, a session cookie for the browser',
      },
      config: { scope: 'public' },
    },
    async (req, reply) => {
      const session = await auth.login(req.body.username, req.body.password, req.ip);
      const maxAge = Math.floor((Date.parse(session.expiresAt) - Date.now()) / 1000);
      reply.header('set-cookie', cookie(session.token, maxAge));
      return {
        token: session.token,
        csrfToken: csrfTokenFor(session.token),
        expiresAt: session.expiresAt,
        user: session.user,
      };
    },
  );

  app.post<{ Body: Static<typeof Credentials> }>(
    '/auth/signup',
    {
      schema: {
        body: Credentials,
        tags: ['identity'],
        summary: 'Make an account and sign in (only where the server allows sign-up: --allow-signup)',
      },
      config: { scope: 'public' },
    },
    async (req, reply) => {
      if (!opts.allowSignup) throw new Forbidden('this server does not allow sign-up: an administrator makes accounts');
      await auth.createUser(req.body.username, req.body.password);
      const session = await auth.login(req.body.username, req.body.password, req.ip);
      const maxAge = Math.floor((Date.parse(session.expiresAt) - Date.now()) / 1000);
      reply.header('set-cookie', cookie(session.token, maxAge));
      return reply.code(201).send({
        token: session.token,
        csrfToken: csrfTokenFor(session.token),
        expiresAt: session.expiresAt,
        user: session.user,
      });
    },
  );

  app.post('/auth/logout', { schema: { tags: ['identity'] }, config: { scope: 'any' } }, async (req, reply) => {
    const raw = rawTokenOf(req);
    if (raw) await auth.revokeRawToken(raw);
    reply.header('set-cookie', cookie('', 0));
    return reply.code(204).send();
  });

  app.get(
    '/auth/session',
    {
      schema: {
        tags: ['identity'],
        summary: 'Who is signed in (null when nobody), and the CSRF token of a cookie session',
      },
      config: { scope: 'optional' },
    },
    async (req) => {
      const p = callerOf(req);
      if (!p) return { user: null, signup: opts.allowSignup };
      const raw = rawTokenOf(req);
      return {
        user: await auth.getUser(p.userId),
        signup: opts.allowSignup,
        ...(raw && { csrfToken: csrfTokenFor(raw) }),
      };
    },
  );

  app.get('/me', { schema: { tags: ['identity'] }, config: { scope: 'any' } }, async (req) => {
    const p = principalOf(req);
    const raw = rawTokenOf(req);
    // The web app, signed in by cookie, learns here the CSRF token its writes must carry.
    return {
      ...(await auth.getUser(p.userId)),
      scopes: [...p.scopes],
      tokenId: p.tokenId,
      ...(raw && { csrfToken: csrfTokenFor(raw) }),
    };
  });

  app.post<{ Body: Static<typeof NewToken> }>(
    '/tokens',
    {
      schema: { body: NewToken, tags: ['identity'], summary: 'Create an API token; its value is shown once' },
      config: { scope: 'any' },
    },
    async (req, reply) => reply.code(201).send(await auth.createToken(principalOf(req), req.body)),
  );

  app.get('/tokens', { schema: { tags: ['identity'] }, config: { scope: 'any' } }, async (req) => ({
    tokens: await auth.listTokens(principalOf(req)),
  }));

  app.get<{ Params: Static<typeof TokenId> }>(
    '/tokens/:id',
    { schema: { params: TokenId, tags: ['identity'] }, config: { scope: 'any' } },
    async (req) => auth.getToken(principalOf(req), req.params.id),
  );

  app.delete<{ Params: Static<typeof TokenId> }>(
    '/tokens/:id',
    { schema: { params: TokenId, tags: ['identity'] }, config: { scope: 'any' } },
    async (req, reply) => {
      await auth.deleteToken(principalOf(req), req.params.id);
      return reply.code(204).send();
    },
  );
}
