import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyRequest } from 'fastify';
import type { AuthService } from '../auth/auth-service.js';
import { hasScope, type Principal, type Scope } from '../auth/scopes.js';
import { csrfTokenFor } from '../auth/token-codec.js';
import { Forbidden, Unauthenticated } from '../errors.js';

export const SESSION_COOKIE = 'marquee_session';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
  interface FastifyContextConfig {
    /**
     * The scope a route needs; `public` routes need no token, `any` any valid token, and
     * `optional` routes answer anonymous callers (public resources only) and check a
     * token that is given as a `read` route does.
     */
    scope?: Scope | 'public' | 'any' | 'optional';
  }
}

/** The bearer token, else the session cookie (which must come with its CSRF token on writes). */
export function rawTokenOf(request: { headers: IncomingHttpHeaders; method?: string }): string | undefined {
  const header = request.headers.authorization;
  if (header) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) throw new Unauthenticated('the Authorization header must be "Bearer <token>"');
    return m[1];
  }
  const cookie = sessionCookieOf(request.headers.cookie);
  if (!cookie) return undefined;
  const safe = request.method === 'GET' || request.method === 'HEAD';
  if (!safe && request.headers['x-csrf-token'] !== csrfTokenFor(cookie)) {
    throw new Forbidden('a cookie session needs the X-CSRF-Token header on writes');
  }
  return cookie;
}

export function sessionCookieOf(header: string | undefined): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/** Authenticates a request and checks the scope its route declares. */
export async function authorize(auth: AuthService, request: FastifyRequest, scope: Scope | 'any'): Promise<Principal> {
  const raw = rawTokenOf(request);
  if (!raw) throw new Unauthenticated();
  const principal = await auth.authenticate(raw);
  if (!principal) throw new Unauthenticated('invalid or expired token');
  if (scope !== 'any' && !hasScope(principal, scope))
    throw new Forbidden(`this call needs a token with the "${scope}" scope`);
  request.principal = principal;
  return principal;
}

/** An `optional` route: a given token must be valid and may read; no token is anonymous. */
export async function authorizeIfGiven(auth: AuthService, request: FastifyRequest): Promise<void> {
  if (rawTokenOf(request) !== undefined) await authorize(auth, request, 'read');
}

/** The caller of an `optional` route: undefined when anonymous. */
export function callerOf(req: FastifyRequest): Principal | undefined {
  return req.principal;
}

/** The caller of a route that declares a scope (the auth hook has set it). */
export function principalOf(req: FastifyRequest): Principal {
  if (!req.principal) throw new Error('route reached without authentication');
  return req.principal;
}
