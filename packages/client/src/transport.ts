import { MarqueeApiError } from './api-error.js';

export interface ClientOptions {
  /** e.g. http://127.0.0.1:8080 */
  baseUrl: string;
  token?: string;
  /** Replaces the global fetch (tests, proxies). */
  fetch?: typeof fetch;
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** What `upload` uses of a browser's XMLHttpRequest (this package is typed without the DOM). */
interface XhrLike {
  open(method: string, url: string): void;
  setRequestHeader(name: string, value: string): void;
  upload: { onprogress: ((e: { loaded: number; total: number; lengthComputable: boolean }) => void) | null };
  onerror: (() => void) | null;
  onload: (() => void) | null;
  status: number;
  responseText: string;
  getResponseHeader(name: string): string | null;
  send(body: unknown): void;
}

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

  /**
   * Sends a body and reports how much of it went out, where the runtime can tell (a
   * browser's XMLHttpRequest: fetch has no upload progress); elsewhere a plain request.
   */
  async upload(
    method: string,
    path: string,
    body: Blob | Uint8Array,
    contentType: string,
    onProgress?: (sent: number, total: number) => void,
  ): Promise<unknown> {
    const Xhr = (globalThis as { XMLHttpRequest?: new () => XhrLike }).XMLHttpRequest;
    if (!onProgress || !Xhr) {
      const res = await this.request(method, path, {
        body: body as RequestInit['body'],
        headers: { 'content-type': contentType },
      });
      return res.json();
    }
    return new Promise((resolve, reject) => {
      const xhr = new Xhr();
      xhr.open(method, `${this.baseUrl}${path}`);
      xhr.setRequestHeader('content-type', contentType);
      if (this.token) xhr.setRequestHeader('authorization', `Bearer ${this.token}`);
      if (this.csrfToken && !SAFE.has(method)) xhr.setRequestHeader('x-csrf-token', this.csrfToken);
      xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : 0);
      xhr.onerror = () => reject(new Error('the upload failed: the connection was lost'));
      xhr.onload = () => {
        const res = new Response(xhr.responseText, {
          status: xhr.status,
          headers: { 'content-type': xhr.getResponseHeader('content-type') ?? 'application/json' },
        });
        if (!res.ok) MarqueeApiError.from(res).then(reject, reject);
        else resolve(res.json());
      };
      xhr.send(body);
    });
  }
}
