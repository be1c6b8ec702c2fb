import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { PROTO_OPTIONS, PROTO_PATH } from '@marquee/server';
import { rowSumModel } from '../fixtures/onnx-models.ts';
import { startTestServer, type TestServer } from '../harness/test-server.ts';

/** A GET/POST over HTTPS trusting only `ca`. */
function request(url: string, ca: Buffer, opts: { method?: string; token?: string; body?: string } = {}) {
  return new Promise<{ status: number; body: string; cookie?: string }>((resolve, reject) => {
    const req = https.request(
      url,
      {
        method: opts.method ?? 'GET',
        ca,
        headers: {
          ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
          ...(opts.body ? { 'content-type': 'application/json' } : {}),
        },
      },
      (res) => {
        let body = '';
        res.on('data', (d) => {
          body += d;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, cookie: res.headers['set-cookie']?.[0] }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

describe('TLS: HTTPS and gRPC over TLS', () => {
  let t: TestServer;
  let dir: string;
  let cert: Buffer;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-tls-'));
    const key = path.join(dir, 'key.pem');
    const crt = path.join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
        '-keyout',
        key,
        '-out',
        crt,
      ],
      { stdio: 'ignore' },
    );
    cert = fs.readFileSync(crt);
    t = await startTestServer({ tlsCert: crt, tlsKey: key });
  });
  after(async () => {
    await t.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the API and OIP answer over HTTPS; the session cookie is Secure', async () => {
    assert.match(t.url, /^https:\/\//);
    assert.equal((await request(`${t.url}/healthz`, cert)).status, 200);
    const me = await request(`${t.url}/api/v1/me`, cert, { token: t.adminToken });
    assert.equal(JSON.parse(me.body).username, 'admin');
    const created = await request(`${t.url}/api/v1/users`, cert, {
      method: 'POST',
      token: t.adminToken,
      body: JSON.stringify({ username: 'tls-user', password: 'tls-password' }),
    });
    assert.equal(created.status, 201);
    const login = await request(`${t.url}/api/v1/auth/login`, cert, {
      method: 'POST',
      body: JSON.stringify({ username: 'tls-user', password: 'tls-password' }),
    });
    assert.match(login.cookie ?? '', /; Secure/);
    await assert.rejects(request(`${t.url}/healthz`, Buffer.from('')), /self[- ]signed|certificate/i);
  });

  test('OIP infer over HTTPS and ModelInfer over gRPC with TLS', async () => {
    // The SDK uses fetch, which trusts only the system CAs; the plain https module takes `ca`.
    const upload = await new Promise<number>((resolve, reject) => {
      const body = rowSumModel();
      const create = https.request(
        `${t.url}/api/v1/models`,
        {
          method: 'POST',
          ca: cert,
          headers: { authorization: `Bearer ${t.adminToken}`, 'content-type': 'application/json' },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            const up = https.request(
              `${t.url}/api/v1/models/admin/tls-rowsum/versions`,
              {
                method: 'POST',
                ca: cert,
                headers: { authorization: `Bearer ${t.adminToken}`, 'content-type': 'application/octet-stream' },
              },
              (r) => {
                r.resume();
                r.on('end', () => resolve(r.statusCode ?? 0));
              },
            );
            up.on('error', reject);
            up.end(Buffer.from(body));
          });
        },
      );
      create.on('error', reject);
      create.end(JSON.stringify({ owner: 'admin', name: 'tls-rowsum', task: 'regression' }));
    });
    assert.equal(upload, 201);
    const res = await request(`${t.url}/v2/models/admin.tls-rowsum/infer`, cert, {
      method: 'POST',
      token: t.adminToken,
      body: JSON.stringify({ inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4], data: [1, 2, 3, 4] }] }),
    });
    assert.deepEqual(JSON.parse(res.body).outputs[0].data, [10]);

    const def = protoLoader.loadSync(PROTO_PATH, PROTO_OPTIONS);
    const pkg = grpc.loadPackageDefinition(def) as unknown as {
      inference: { GRPCInferenceService: grpc.ServiceClientConstructor };
    };
    const client = new pkg.inference.GRPCInferenceService(`127.0.0.1:${t.grpcPort}`, grpc.credentials.createSsl(cert));
    const md = new grpc.Metadata();
    md.set('authorization', `Bearer ${t.adminToken}`);
    const reply = await new Promise<any>((resolve, reject) =>
      (client as any).ModelInfer(
        {
          model_name: 'admin.tls-rowsum',
          inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4], contents: { fp32_contents: [2, 2, 2, 2] } }],
        },
        md,
        (err: Error | null, r: unknown) => (err ? reject(err) : resolve(r)),
      ),
    );
    assert.equal((reply.raw_output_contents[0] as Buffer).readFloatLE(0), 8);
    // A plaintext client cannot talk to the TLS port.
    const plain = new pkg.inference.GRPCInferenceService(`127.0.0.1:${t.grpcPort}`, grpc.credentials.createInsecure());
    await assert.rejects(
      new Promise((resolve, reject) =>
        (plain as any).ServerLive(
          {},
          new grpc.Metadata(),
          { deadline: Date.now() + 3000 },
          (err: Error | null, r: unknown) => (err ? reject(err) : resolve(r)),
        ),
      ),
    );
    client.close();
    plain.close();
  });
});
