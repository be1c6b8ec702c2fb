import { OipClient } from './oip-client.js';
import { type ClientOptions, Transport } from './transport.js';
import type { LoginResult, Model, ModelVersion, NewModel, Scope, Token, User } from './types.js';

const seg = encodeURIComponent;

/** Typed calls for the REST API /api/v1, plus `oip` for the Open Inference Protocol. */
export class MarqueeClient {
  private readonly t: Transport;
  readonly oip: OipClient;

  constructor(opts: ClientOptions) {
    this.t = new Transport(opts);
    this.oip = new OipClient(this.t);
  }

  get baseUrl(): string {
    return this.t.baseUrl;
  }

  /** Uses this token from now on. */
  setToken(token: string | undefined): void {
    this.t.token = token;
  }

  // identity
  createUser(username: string, password: string): Promise<User> {
    return this.t.json('POST', '/api/v1/users', { username, password });
  }
  async login(username: string, password: string): Promise<LoginResult> {
    const r = await this.t.json<LoginResult>('POST', '/api/v1/auth/login', { username, password });
    this.t.token = r.token;
    return r;
  }
  logout(): Promise<void> {
    return this.t.json('POST', '/api/v1/auth/logout');
  }
  me(): Promise<User & { scopes: Scope[]; tokenId: string }> {
    return this.t.json('GET', '/api/v1/me');
  }
  createToken(input: { name: string; scopes: Scope[]; expiresAt?: string | null }): Promise<Token & { token: string }> {
    return this.t.json('POST', '/api/v1/tokens', input);
  }
  async listTokens(): Promise<Token[]> {
    return (await this.t.json<{ tokens: Token[] }>('GET', '/api/v1/tokens')).tokens;
  }
  getToken(id: string): Promise<Token> {
    return this.t.json('GET', `/api/v1/tokens/${seg(id)}`);
  }
  deleteToken(id: string): Promise<void> {
    return this.t.json('DELETE', `/api/v1/tokens/${seg(id)}`);
  }

  // models
  createModel(input: NewModel): Promise<Model> {
    return this.t.json('POST', '/api/v1/models', input);
  }
  getModel(fullName: string): Promise<Model> {
    return this.t.json('GET', `/api/v1/models/${path(fullName)}`);
  }
  updateModel(fullName: string, patch: Partial<Omit<NewModel, 'owner' | 'name'>>): Promise<Model> {
    return this.t.json('PATCH', `/api/v1/models/${path(fullName)}`, patch);
  }
  deleteModel(fullName: string): Promise<void> {
    return this.t.json('DELETE', `/api/v1/models/${path(fullName)}`);
  }
  /** Uploads an ONNX file (bytes or a web stream) as the next version. */
  async uploadVersion(fullName: string, onnx: Uint8Array | ReadableStream<Uint8Array>): Promise<ModelVersion> {
    const res = await this.t.request('POST', `/api/v1/models/${path(fullName)}/versions`, {
      body: onnx as RequestInit['body'],
      headers: { 'content-type': 'application/octet-stream' },
    });
    return (await res.json()) as ModelVersion;
  }
  async listVersions(fullName: string): Promise<ModelVersion[]> {
    return (await this.t.json<{ versions: ModelVersion[] }>('GET', `/api/v1/models/${path(fullName)}/versions`))
      .versions;
  }
  getVersion(fullName: string, version: number): Promise<ModelVersion> {
    return this.t.json('GET', `/api/v1/models/${path(fullName)}/versions/${version}`);
  }
  async downloadArtifact(fullName: string, version: number, format: 'onnx' | 'native' = 'onnx'): Promise<Uint8Array> {
    const res = await this.t.request(
      'GET',
      `/api/v1/models/${path(fullName)}/versions/${version}/artifact?format=${format}`,
    );
    return new Uint8Array(await res.arrayBuffer());
  }
  setAlias(fullName: string, alias: string, version: number): Promise<Model> {
    return this.t.json('PUT', `/api/v1/models/${path(fullName)}/aliases/${seg(alias)}`, { version });
  }
  deleteAlias(fullName: string, alias: string): Promise<void> {
    return this.t.json('DELETE', `/api/v1/models/${path(fullName)}/aliases/${seg(alias)}`);
  }

  // operations
  async health(): Promise<boolean> {
    return (await this.t.request('GET', '/healthz')).ok;
  }
}

function path(fullName: string): string {
  const [owner, name, ...rest] = fullName.split('/');
  if (!owner || !name || rest.length) throw new Error(`a model is named owner/name, got "${fullName}"`);
  return `${seg(owner)}/${seg(name)}`;
}
