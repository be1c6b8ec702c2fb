import { MarqueeClient } from '@marquee/client';

/**
 * The one client the app speaks to the server through: same origin, signed in by the
 * HttpOnly session cookie (the page never holds a token), writes carrying the CSRF token.
 */
export const api = new MarqueeClient({ baseUrl: '' });
