import { MarqueeApiError } from './api-error.js';

export interface ClientOptions {
  /** e.g. http://127.0.0.1:8080 */
  baseUrl: string;
  token?: string;
  /** Replaces the global fetch (tests, proxies). */
  fetch?: typeof fetch;
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Shared HTTP plumbing of the REST and OIP clients. */
export class Transport {
  readonly baseUrl: string;
  token: string | undefined;
  /** A browser signed in by session cookie sends this with every write (the server's CSRF check). */
  csrfToken: string | undefined;
  private readonly fetchImpl: typeof fetch;

  constructor(opts: ClientOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.token = opts.token;
    // Bound: a browser's fetch called as a method of another object throws "Illegal invocation".
    this.fetchImpl = opts.fetch ?? ((input, init) => fetch(input, init));
  }

  async request(
    method: string,
    path: string,
    init: { body?: RequestInit['body']; headers?: Record<string, string> } = {},
  ): Promise<Response> {
    const headers: Record<string, string> = { ...(init.headers ?? {}) };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (this.csrfToken && !SAFE.has(method)) headers['x-csrf-token'] = this.csrfToken;
    const res = await this.fetchImpl(`${this.baseUrl}${path}`, {
      method,
      headers,
      body: init.body,
      ...(init.body && typeof (init.body as ReadableStream).getReader === 'function' ? { duplex: 'half' } : {}),
    } as RequestInit);
    if (!res.ok) throw await MarqueeApiError.from(res);
    return res;
  }

  async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.request(method, path, {
      body: body === undefined ? undefined : JSON.stringify(body),
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
    });
    if (res.status === 204) return undefined as T;
    return (await res.json()) as T;
  }
}
