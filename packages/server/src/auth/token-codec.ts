import { createHash, randomBytes } from 'node:crypto';

/** Raw tokens are shown once; only their sha256 is stored (they carry 256 random bits). */
export function newRawToken(): string {
  return `mq_${randomBytes(32).toString('base64url')}`;
}

export function hashToken(raw: string): string {
  return createHash('sha256').update(raw).digest('hex');
}

export function newTokenId(): string {
  return `tok_${randomBytes(9).toString('base64url')}`;
}

/** The CSRF token paired with a session token: derived, so nothing more is stored. */
export function csrfTokenFor(rawSessionToken: string): string {
  return createHash('sha256').update(`csrf:${rawSessionToken}`).digest('base64url');
}
