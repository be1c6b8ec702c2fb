import { DeploymentsClient } from './deployments-client.js';
import { DiscussionsClient } from './discussions-client.js';
import { readJobEvents } from './job-event-stream.js';
import { OipClient } from './oip-client.js';
import { ProposalsClient } from './proposals-client.js';
import { queryString, resourcePath, seg } from './resource-path.js';
import { type ClientOptions, Transport } from './transport.js';
import type {
  Algorithm,
  AuditEntry,
  AuditFilter,
  Benchmark,
  BenchmarkTask,
  ColumnSummary,
  Dataset,
  DatasetVersion,
  JobEvent,
  Leaderboard,
  ListQuery,
  LoginResult,
  Member,
  Model,
  ModelCard,
  ModelDetails,
  ModelVersion,
  NewBenchmark,
  NewModel,
  Organisation,
  Page,
  PredictResult,
  RecommendResult,
  Role,
  Scope,
  SearchQuery,
  SearchResult,
  Snippets,
  Token,
  TrainingJob,
  TrainingJobRequest,
  User,
  Webhook,
  WebhookDelivery,
  WebhookEvent,
} from './types.js';

const CONTENT_TYPES = {
  csv: 'text/csv',
  jsonl: 'application/jsonl',
  parquet: 'application/vnd.apache.parquet',
} as const;

/** Typed calls for the REST API /api/v1, plus `oip` for the Open Inference Protocol. */
export class MarqueeClient {
  private readonly t: Transport;
  readonly oip: OipClient;
  /** Change proposals, evaluation data and protected aliases. */
  readonly proposals: ProposalsClient;
  /** Rollouts of an alias: canary, shadow, promote, roll back. */
  readonly deployments: DeploymentsClient;
  /** Discussions and comments on models and datasets. */
  readonly discussions: DiscussionsClient;

  constructor(opts: ClientOptions) {
    this.t = new Transport(opts);
    this.oip = new OipClient(this.t);
    this.proposals = new ProposalsClient(this.t);
    this.deployments = new DeploymentsClient(this.t);
    this.discussions = new DiscussionsClient(this.t);
  }

  get baseUrl(): string {
    return this.t.baseUrl;
  }

  /** Uses this token from now on. */
  setToken(token: string | undefined): void {
    this.t.token = token;
  }

  /** Signed in by session cookie (a browser): writes carry this CSRF token. */
  setCsrfToken(token: string | undefined): void {
    this.t.csrfToken = token;
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
  /** Makes an account and signs in (where the server allows sign-up). */
  async signup(username: string, password: string): Promise<LoginResult> {
    const r = await this.t.json<LoginResult>('POST', '/api/v1/auth/signup', { username, password });
    this.t.token = r.token;
    return r;
  }
  logout(): Promise<void> {
    return this.t.json('POST', '/api/v1/auth/logout');
  }
  /** Who is signed in, without an error when nobody is (a browser's first question). */
  session(): Promise<{ user: User | null; csrfToken?: string; signup: boolean }> {
    return this.t.json('GET', '/api/v1/auth/session');
  }
  me(): Promise<User & { scopes: Scope[]; tokenId: string; csrfToken?: string }> {
    return this.t.json('GET', '/api/v1/me');
  }
  createToken(input: {
    name: string;
    scopes: Scope[];
    expiresAt?: string | null;
    /** One of the two: what the token may reach. */
    limitTo?: { org?: string; model?: string };
  }): Promise<Token & { token: string }> {
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
  listModels(query: ListQuery & { task?: string } = {}): Promise<Page<ModelDetails>> {
    return this.t.json('GET', `/api/v1/models${queryString(query)}`);
  }
  listDatasets(query: ListQuery = {}): Promise<Page<Dataset>> {
    return this.t.json('GET', `/api/v1/datasets${queryString(query)}`);
  }
  getModel(fullName: string): Promise<ModelDetails> {
    return this.t.json('GET', `/api/v1/models/${resourcePath(fullName)}`);
  }
  updateModel(fullName: string, patch: Partial<Omit<NewModel, 'owner' | 'name'>>): Promise<Model> {
    return this.t.json('PATCH', `/api/v1/models/${resourcePath(fullName)}`, patch);
  }
  deleteModel(fullName: string): Promise<void> {
    return this.t.json('DELETE', `/api/v1/models/${resourcePath(fullName)}`);
  }
  /** Uploads an ONNX file (bytes or a web stream) as the next version. */
  async uploadVersion(fullName: string, onnx: Uint8Array | ReadableStream<Uint8Array>): Promise<ModelVersion> {
    const res = await this.t.request('POST', `/api/v1/models/${resourcePath(fullName)}/versions`, {
      body: onnx as RequestInit['body'],
      headers: { 'content-type': 'application/octet-stream' },
    });
    return (await res.json()) as ModelVersion;
  }
  async listVersions(fullName: string): Promise<ModelVersion[]> {
    return (await this.t.json<{ versions: ModelVersion[] }>('GET', `/api/v1/models/${resourcePath(fullName)}/versions`))
      .versions;
  }
  getVersion(fullName: string, version: number): Promise<ModelVersion> {
    return this.t.json('GET', `/api/v1/models/${resourcePath(fullName)}/versions/${version}`);
  }
  async downloadArtifact(fullName: string, version: number, format: 'onnx' | 'native' = 'onnx'): Promise<Uint8Array> {
    const res = await this.t.request(
      'GET',
      `/api/v1/models/${resourcePath(fullName)}/versions/${version}/artifact?format=${format}`,
    );
    return new Uint8Array(await res.arrayBuffer());
  }
  setAlias(fullName: string, alias: string, version: number): Promise<Model> {
    return this.t.json('PUT', `/api/v1/models/${resourcePath(fullName)}/aliases/${seg(alias)}`, { version });
  }
  deleteAlias(fullName: string, alias: string): Promise<void> {
    return this.t.json('DELETE', `/api/v1/models/${resourcePath(fullName)}/aliases/${seg(alias)}`);
  }

  /** Predictions on records by column name (trained versions). */
  predict(
    fullName: string,
    instances: Array<Record<string, unknown>>,
    version?: string | number,
  ): Promise<PredictResult> {
    return this.t.json('POST', `/api/v1/models/${resourcePath(fullName)}/predict`, {
      instances,
      ...(version !== undefined && { version: String(version) }),
    });
  }

  /** The top k items for a user (an unknown user gets the most popular, with `fallback: true`). */
  recommend(
    fullName: string,
    input: { user: string | number; k?: number; excludeSeen?: boolean; version?: string },
  ): Promise<RecommendResult> {
    return this.t.json('POST', `/api/v1/models/${resourcePath(fullName)}/recommend`, input);
  }
  /** The k items most like an item. */
  similarItems(
    fullName: string,
    input: { item: string | number; k?: number; version?: string },
  ): Promise<{ model: string; version: number; item: string; items: Array<{ item: string; score: number }> }> {
    return this.t.json('POST', `/api/v1/models/${resourcePath(fullName)}/similar`, input);
  }

  // datasets
  createDataset(input: {
    owner: string;
    name: string;
    visibility?: 'public' | 'internal' | 'private';
    description?: string;
  }): Promise<Dataset> {
    return this.t.json('POST', '/api/v1/datasets', input);
  }
  getDataset(fullName: string): Promise<Dataset> {
    return this.t.json('GET', `/api/v1/datasets/${resourcePath(fullName)}`);
  }
  updateDataset(
    fullName: string,
    patch: { visibility?: 'public' | 'internal' | 'private'; description?: string },
  ): Promise<Dataset> {
    return this.t.json('PATCH', `/api/v1/datasets/${resourcePath(fullName)}`, patch);
  }
  deleteDataset(fullName: string): Promise<void> {
    return this.t.json('DELETE', `/api/v1/datasets/${resourcePath(fullName)}`);
  }
  /** Uploads a file's bytes (or a web stream) as the next version. */
  /** Uploads a version; in a browser, `onProgress` is told the bytes sent so far. */
  async uploadDatasetVersion(
    fullName: string,
    body: Uint8Array | ReadableStream<Uint8Array> | Blob,
    format: keyof typeof CONTENT_TYPES,
    onProgress?: (sent: number, total: number) => void,
  ): Promise<DatasetVersion> {
    const url = `/api/v1/datasets/${resourcePath(fullName)}/versions`;
    if (onProgress && !(body instanceof ReadableStream)) {
      return (await this.t.upload('POST', url, body, CONTENT_TYPES[format], onProgress)) as DatasetVersion;
    }
    const res = await this.t.request('POST', url, {
      body: body as RequestInit['body'],
      headers: { 'content-type': CONTENT_TYPES[format] },
    });
    return (await res.json()) as DatasetVersion;
  }
  async listDatasetVersions(fullName: string): Promise<DatasetVersion[]> {
    return (
      await this.t.json<{ versions: DatasetVersion[] }>('GET', `/api/v1/datasets/${resourcePath(fullName)}/versions`)
    ).versions;
  }
  getDatasetVersion(fullName: string, version: number): Promise<DatasetVersion> {
    return this.t.json('GET', `/api/v1/datasets/${resourcePath(fullName)}/versions/${version}`);
  }
  previewDataset(
    fullName: string,
    version: number,
    limit = 20,
  ): Promise<{ columns: string[]; rows: Array<Record<string, unknown>> }> {
    return this.t.json('GET', `/api/v1/datasets/${resourcePath(fullName)}/versions/${version}/preview?limit=${limit}`);
  }

  // marketplace
  /** Per-column summaries of a dataset version (computed by DuckDB on the server). */
  async datasetSummary(fullName: string, version: number): Promise<ColumnSummary[]> {
    return (
      await this.t.json<{ columns: ColumnSummary[] }>(
        'GET',
        `/api/v1/datasets/${resourcePath(fullName)}/versions/${version}/summary`,
      )
    ).columns;
  }
  getCard(fullName: string): Promise<ModelCard> {
    return this.t.json('GET', `/api/v1/models/${resourcePath(fullName)}/card`);
  }
  putCard(fullName: string, markdown: string): Promise<ModelCard> {
    return this.t.json('PUT', `/api/v1/models/${resourcePath(fullName)}/card`, { markdown });
  }
  /** Queues the quality gate for a version; the job's result carries the report. */
  publish(
    fullName: string,
    version: number,
    evaluation?: { dataset: string; target: string; features?: string[] },
  ): Promise<TrainingJob> {
    return this.t.json('POST', `/api/v1/models/${resourcePath(fullName)}/publish`, {
      version,
      ...(evaluation && { evaluation }),
    });
  }
  unpublish(fullName: string): Promise<void> {
    return this.t.json('DELETE', `/api/v1/models/${resourcePath(fullName)}/publish`);
  }
  like(fullName: string): Promise<{ likes: number; liked: boolean }> {
    return this.t.json('PUT', `/api/v1/models/${resourcePath(fullName)}/like`);
  }
  unlike(fullName: string): Promise<{ likes: number; liked: boolean }> {
    return this.t.json('DELETE', `/api/v1/models/${resourcePath(fullName)}/like`);
  }
  snippets(fullName: string, version?: number): Promise<Snippets> {
    return this.t.json('GET', `/api/v1/models/${resourcePath(fullName)}/snippets${queryString({ version })}`);
  }
  search(query: SearchQuery = {}): Promise<SearchResult> {
    return this.t.json('GET', `/api/v1/market/search${queryString(query)}`);
  }
  /** Registers a benchmark (administrators): the dataset version is split once into a public training part and a hidden test part. */
  createBenchmark(input: NewBenchmark): Promise<Benchmark> {
    return this.t.json('POST', '/api/v1/market/benchmarks', input);
  }
  async listBenchmarks(task?: BenchmarkTask): Promise<Benchmark[]> {
    return (await this.t.json<{ items: Benchmark[] }>('GET', `/api/v1/market/benchmarks${queryString({ task })}`))
      .items;
  }
  getBenchmark(name: string): Promise<Benchmark> {
    return this.t.json('GET', `/api/v1/market/benchmarks/${seg(name)}`);
  }
  /** A benchmark's training part, as CSV text. */
  async benchmarkTrainingData(name: string): Promise<string> {
    return (await this.t.request('GET', `/api/v1/market/benchmarks/${seg(name)}/train`)).text();
  }
  /** Queues the evaluation of a published version on the benchmark's hidden test part; the job's result carries the score and rank. */
  submitToBenchmark(name: string, model: string, version: number, features?: string[]): Promise<TrainingJob> {
    return this.t.json('POST', `/api/v1/market/benchmarks/${seg(name)}/submissions`, {
      model,
      version,
      ...(features && { features }),
    });
  }
  leaderboard(task: BenchmarkTask, benchmark?: string): Promise<Leaderboard> {
    return this.t.json('GET', `/api/v1/market/leaderboards/${seg(task)}${queryString({ benchmark })}`);
  }

  /** Forks a model (versions share the artifacts; aliases and card are copied) or, with `dataset`, a dataset. */
  fork(
    kind: 'models' | 'datasets',
    fullName: string,
    to: { owner: string; name: string; visibility?: 'public' | 'internal' | 'private' },
  ): Promise<Model | Dataset> {
    return this.t.json('POST', `/api/v1/${kind}/${resourcePath(fullName)}/fork`, to);
  }

  /** Your write calls, newest first. */
  async myAudit(filter: AuditFilter = {}): Promise<AuditEntry[]> {
    return (await this.t.json<{ entries: AuditEntry[] }>('GET', `/api/v1/me/audit${queryString(filter)}`)).entries;
  }
  /** Every write call about an organisation (its admins). */
  async orgAudit(org: string, filter: AuditFilter = {}): Promise<AuditEntry[]> {
    return (await this.t.json<{ entries: AuditEntry[] }>('GET', `/api/v1/orgs/${seg(org)}/audit${queryString(filter)}`))
      .entries;
  }

  // webhooks
  createWebhook(input: { owner: string; url: string; events: WebhookEvent[]; secret: string }): Promise<Webhook> {
    return this.t.json('POST', '/api/v1/webhooks', input);
  }
  async listWebhooks(): Promise<Webhook[]> {
    return (await this.t.json<{ webhooks: Webhook[] }>('GET', '/api/v1/webhooks')).webhooks;
  }
  deleteWebhook(id: number): Promise<void> {
    return this.t.json('DELETE', `/api/v1/webhooks/${id}`);
  }
  async webhookDeliveries(id: number): Promise<WebhookDelivery[]> {
    return (await this.t.json<{ deliveries: WebhookDelivery[] }>('GET', `/api/v1/webhooks/${id}/deliveries`))
      .deliveries;
  }
  replayDelivery(id: number, delivery: number): Promise<WebhookDelivery> {
    return this.t.json('POST', `/api/v1/webhooks/${id}/deliveries/${delivery}/replay`);
  }

  // organisations and collaborators
  createOrg(name: string): Promise<Organisation> {
    return this.t.json('POST', '/api/v1/orgs', { name });
  }
  getOrg(name: string): Promise<Organisation> {
    return this.t.json('GET', `/api/v1/orgs/${seg(name)}`);
  }
  setMember(org: string, user: string, role: Role): Promise<Organisation> {
    return this.t.json('PUT', `/api/v1/orgs/${seg(org)}/members/${seg(user)}`, { role });
  }
  removeMember(org: string, user: string): Promise<void> {
    return this.t.json('DELETE', `/api/v1/orgs/${seg(org)}/members/${seg(user)}`);
  }
  async collaborators(kind: 'models' | 'datasets', fullName: string): Promise<Member[]> {
    return (
      await this.t.json<{ collaborators: Member[] }>('GET', `/api/v1/${kind}/${resourcePath(fullName)}/collaborators`)
    ).collaborators;
  }
  async setCollaborator(kind: 'models' | 'datasets', fullName: string, user: string, role: Role): Promise<Member[]> {
    return (
      await this.t.json<{ collaborators: Member[] }>(
        'PUT',
        `/api/v1/${kind}/${resourcePath(fullName)}/collaborators/${seg(user)}`,
        { role },
      )
    ).collaborators;
  }
  removeCollaborator(kind: 'models' | 'datasets', fullName: string, user: string): Promise<void> {
    return this.t.json('DELETE', `/api/v1/${kind}/${resourcePath(fullName)}/collaborators/${seg(user)}`);
  }

  // training
  async algorithms(): Promise<Algorithm[]> {
    return (await this.t.json<{ algorithms: Algorithm[] }>('GET', '/api/v1/algorithms')).algorithms;
  }
  train(request: TrainingJobRequest): Promise<TrainingJob> {
    return this.t.json('POST', '/api/v1/training-jobs', request);
  }
  /** Queues a batch-prediction job: `model` (`owner/name[@version]`) over a dataset version, written as a new dataset version. */
  batchPredict(input: { model: string; dataset: string; output?: string }): Promise<TrainingJob> {
    return this.t.json('POST', '/api/v1/batch-predictions', input);
  }
  getJob(id: string): Promise<TrainingJob> {
    return this.t.json('GET', `/api/v1/training-jobs/${seg(id)}`);
  }
  async listJobs(limit = 50): Promise<TrainingJob[]> {
    return (await this.t.json<{ jobs: TrainingJob[] }>('GET', `/api/v1/training-jobs?limit=${limit}`)).jobs;
  }
  cancelJob(id: string): Promise<TrainingJob> {
    return this.t.json('POST', `/api/v1/training-jobs/${seg(id)}/cancel`);
  }
  /**
   * Follows a job's server-sent events until it ends: `onEvent` gets its state and each
   * progress report. Resolves with the job as it ended.
   */
  async followJob(id: string, onEvent: (e: JobEvent) => void = () => {}): Promise<TrainingJob> {
    const res = await this.t.request('GET', `/api/v1/training-jobs/${seg(id)}/events`, {
      headers: { accept: 'text/event-stream' },
    });
    await readJobEvents(res.body as ReadableStream<Uint8Array>, onEvent);
    return this.getJob(id);
  }

  // operations
  async health(): Promise<boolean> {
    return (await this.t.request('GET', '/healthz')).ok;
  }
}
