import crypto from 'node:crypto';

/** The header a receiver checks: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body" with the secret>`. */
export const SIGNATURE_HEADER = 'marquee-signature';

export function signatureHeader(secret: string, body: string, unixSeconds: number): string {
  const mac = crypto.createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

/**
 * What a receiver does (and the tests do): recompute the HMAC over the timestamp and the
 * raw body, compare in constant time, and refuse old timestamps (replayed requests).
 */
export function verifySignature(
  secret: string,
  body: string,
  header: string,
  toleranceSeconds = 300,
  now = Date.now(),
): boolean {
  const parts = Object.fromEntries(header.split(',').map((p) => p.split('=') as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || Math.abs(now / 1000 - t) > toleranceSeconds || !parts.v1) return false;
  const want = Buffer.from(signatureHeader(secret, body, t).split('v1=')[1] as string, 'hex');
  const got = Buffer.from(parts.v1, 'hex');
  return want.length === got.length && crypto.timingSafeEqual(want, got);
}
