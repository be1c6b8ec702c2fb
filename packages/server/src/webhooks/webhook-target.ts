import dns from 'node:dns/promises';
import net from 'node:net';
import { Invalid } from '../errors.js';

/** Loopback, private, link-local, unique-local and unspecified addresses: not the internet. */
export function isPrivateAddress(ip: string): boolean {
  if (net.isIPv4(ip)) {
    const [a, b] = ip.split('.').map(Number) as [number, number];
    return (
      a === 10 ||
      a === 127 ||
      a === 0 ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 100 && b >= 64 && b <= 127)
    );
  }
  const v6 = ip.toLowerCase();
  if (v6.startsWith('::ffff:')) return isPrivateAddress(v6.slice(7));
  return v6 === '::1' || v6 === '::' || v6.startsWith('fc') || v6.startsWith('fd') || v6.startsWith('fe80');
}

/**
 * Checks a webhook target: http(s), and — unless private targets are allowed (a server
 * flag, for tests and closed networks) — every address its host resolves to is public, so
 * a webhook cannot be aimed at the server's own network. Checked when the webhook is made
 * and again before each delivery (a name can be pointed elsewhere later).
 */
export async function checkTarget(url: string, allowPrivate: boolean): Promise<void> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Invalid(`not a URL: "${url}"`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Invalid('a webhook URL is http or https');
  if (u.username || u.password) throw new Invalid('a webhook URL carries no credentials: use the secret');
  if (allowPrivate) return;
  const host = u.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  try {
    addresses = net.isIP(host) ? [host] : (await dns.lookup(host, { all: true })).map((a) => a.address);
  } catch {
    throw new Invalid(`the webhook's host "${host}" does not resolve`);
  }
  if (addresses.some(isPrivateAddress)) {
    throw new Invalid(
      `webhook targets on loopback or private networks are refused (${host}); a server started with --webhooks-allow-private accepts them`,
    );
  }
}
