import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { MarqueeClient } from '@marquee/client';
import {
  loadConfig,
  PROTO_OPTIONS,
  PROTO_PATH,
  type RunningServer,
  type ServerConfig,
  startServer,
} from '@marquee/server';
import pg from 'pg';

export interface TestServer {
  server: RunningServer;
  url: string;
  grpcPort: number;
  dataDir: string;
  adminToken: string;
  /** A client holding the admin token. */
  admin: MarqueeClient;
  client(token?: string): MarqueeClient;
  /** Stops the server and starts it again on the same data folder (new ports). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** Starts the real server on free ports with a fresh temporary data folder. */
/**
 * With MARQUEE_TEST_DATABASE_URL (a postgres:// URL of a database to connect to), every
 * test server gets a fresh PostgreSQL database of its own, dropped when it closes: the
 * same suites then check the cluster mode's store.
 */
const PG_URL = process.env.MARQUEE_TEST_DATABASE_URL;
let databases = 0;

/** A new empty PostgreSQL database on the test server (MARQUEE_TEST_DATABASE_URL, else the local one). */
export async function freshDatabase(
  adminUrl = PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `marquee_t_${process.pid}_${++databases}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export async function startTestServer(overrides: Partial<ServerConfig> = {}): Promise<TestServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-test-'));
  const database = PG_URL && !overrides.databaseUrl ? await freshDatabase() : undefined;
  const config: ServerConfig = {
    ...loadConfig({}, {}),
    host: '127.0.0.1',
    port: 0,
    grpcPort: 0,
    dataDir,
    logLevel: 'warn',
    // Limits are tested where they are the subject; elsewhere a busy test must not trip them.
    rateLimitApi: 0,
    ...(database && { databaseUrl: database.url }),
    ...overrides,
  };
  let server = await startServer(config);
  const adminToken = fs.readFileSync(path.join(dataDir, 'admin-token'), 'utf8').trim();
  const t: TestServer = {
    server,
    url: server.httpUrl,
    grpcPort: server.grpcPort,
    dataDir,
    adminToken,
    admin: new MarqueeClient({ baseUrl: server.httpUrl, token: adminToken, fetch: scanningFetch }),
    client: (token?: string) => new MarqueeClient({ baseUrl: t.url, token, fetch: scanningFetch }),
    async restart() {
      await server.close();
      server = await startServer(config);
      t.server = server;
      t.url = server.httpUrl;
      t.grpcPort = server.grpcPort;
      t.admin = new MarqueeClient({ baseUrl: server.httpUrl, token: adminToken, fetch: scanningFetch });
    },
    async close() {
      await server.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
      await database?.drop();
    },
  };
  return t;
}

export type GrpcInferenceClient = grpc.Client &
  Record<string, (req: unknown, md: grpc.Metadata, cb: (err: grpc.ServiceError | null, res: any) => void) => void>;

/** A plain @grpc/grpc-js client of inference.GRPCInferenceService. */
export function grpcClient(port: number): GrpcInferenceClient {
  const def = protoLoader.loadSync(PROTO_PATH, PROTO_OPTIONS);
  const pkg = grpc.loadPackageDefinition(def) as unknown as {
    inference: { GRPCInferenceService: grpc.ServiceClientConstructor };
  };
  return new pkg.inference.GRPCInferenceService(
    `127.0.0.1:${port}`,
    grpc.credentials.createInsecure(),
  ) as unknown as GrpcInferenceClient;
}

/** Calls one unary RPC; resolves with the reply or rejects with the grpc.ServiceError. */
export function grpcCall<T = any>(
  client: GrpcInferenceClient,
  method: string,
  request: unknown,
  token?: string,
): Promise<T> {
  const md = new grpc.Metadata();
  if (token) md.set('authorization', `Bearer ${token}`);
  return new Promise((resolve, reject) => {
    const fn = client[method] as GrpcInferenceClient[string];
    fn.call(client, request, md, (err, res) => (err ? reject(err) : resolve(res as T)));
  });
}

/** Raw fetch against the server, for status codes and headers the SDK hides. */
export async function http(
  t: TestServer,
  method: string,
  urlPath: string,
  opts: { token?: string; json?: unknown; body?: Uint8Array | string; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; text: string; json: any; bytes: Uint8Array }> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: Uint8Array | string | undefined = opts.body;
  if (opts.json !== undefined) {
    body = JSON.stringify(opts.json);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(`${t.url}${urlPath}`, { method, headers, body });
  const bytes = new Uint8Array(await res.arrayBuffer());
  const text = new TextDecoder().decode(bytes);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {}
  if (res.status >= 400) assertNoInternals(text);
  return { status: res.status, headers: res.headers, text, json, bytes };
}

/** What an error answer must never show: server paths, blob locations, stack frames, SQL. */
const INTERNALS =
  /\/(?:tmp|work|home|root|usr|var|etc|opt)\/|blobs\/sha256|node_modules|\bat \S+ \(\S+:\d+:\d+\)|\bSELECT\b[^"]*\bFROM\b|SQLITE_[A-Z]/i;

/** fetch for the test clients: every error answer is checked for internals on the way. */
const scanningFetch: typeof fetch = async (input, init) => {
  const res = await fetch(input, init);
  if (res.status >= 400) assertNoInternals(await res.clone().text());
  return res;
};

/** Every error body read through `http` or a test client is checked: a leak fails the test that caused it. */
export function assertNoInternals(body: string): void {
  const m = INTERNALS.exec(body);
  if (m) throw new Error(`an error answer shows server internals ("${m[0]}"): ${body.slice(0, 500)}`);
}

/** Rows straight from the server's store (SQLite file or PostgreSQL database), to check what is kept on disk. */
export async function storedRows<T>(t: TestServer, query: string): Promise<T[]> {
  const url = t.server.databaseUrl;
  if (url) {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      return (await c.query(query)).rows as T[];
    } finally {
      await c.end();
    }
  }
  const Database = (await import('better-sqlite3')).default;
  const db = new Database(path.join(t.dataDir, 'marquee.db'), { readonly: true });
  try {
    return db.prepare(query).all() as T[];
  } finally {
    db.close();
  }
}
