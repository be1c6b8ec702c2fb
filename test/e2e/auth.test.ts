import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { MarqueeApiError } from '@marquee/client';
import { rowSumModel } from '../fixtures/onnx-models.ts';
import { pushModel } from '../harness/models.ts';
import { http, startTestServer, storedRows, type TestServer } from '../harness/test-server.ts';

describe('auth', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.close());

  test('a fresh store creates admin with a token in DATA/admin-token, mode 0600', async () => {
    const stat = fs.statSync(path.join(t.dataDir, 'admin-token'));
    assert.equal(stat.mode & 0o777, 0o600);
    assert.match(t.adminToken, /^mq_[\w-]{43}$/);
    const me = await t.admin.me();
    assert.equal(me.username, 'admin');
    assert.deepEqual(new Set(me.scopes), new Set(['read', 'write', 'predict', 'admin']));
  });

  test('only health routes are open; everything else answers 401 without a token', async () => {
    for (const p of ['/healthz', '/readyz', '/v2/health/live', '/v2/health/ready']) {
      assert.equal((await http(t, 'GET', p)).status, 200, p);
    }
    const v1 = await http(t, 'GET', '/api/v1/me');
    assert.equal(v1.status, 401);
    assert.match(v1.headers.get('content-type') ?? '', /application\/problem\+json/);
    assert.equal(v1.json.status, 401);
    const oip = await http(t, 'GET', '/v2');
    assert.equal(oip.status, 401);
    assert.equal(typeof oip.json.error, 'string');
    assert.equal((await http(t, 'GET', '/metrics')).status, 401);
    assert.equal((await http(t, 'GET', '/api/v1/me', { token: 'mq_not-a-real-token' })).status, 401);
    assert.equal((await http(t, 'GET', '/api/v1/me', { headers: { authorization: 'Basic abc' } })).status, 401);
  });

  test('users log in with a password; the password is stored as an scrypt hash', async () => {
    const user = await t.admin.createUser('alice', 'correct horse battery');
    assert.equal(user.username, 'alice');
    const res = await http(t, 'POST', '/api/v1/auth/login', {
      json: { username: 'alice', password: 'correct horse battery' },
    });
    assert.equal(res.status, 200);
    assert.match(res.json.token, /^mq_/);
    const cookie = res.headers.get('set-cookie') ?? '';
    assert.match(cookie, /marquee_session=mq_/);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Lax/);
    // The session cookie alone authenticates safe requests.
    const session = cookie.split(';')[0] as string;
    const me = await http(t, 'GET', '/api/v1/me', { headers: { cookie: session } });
    assert.equal(me.json.username, 'alice');
    // Writes through the cookie need the CSRF token.
    const noCsrf = await http(t, 'POST', '/api/v1/tokens', {
      headers: { cookie: session },
      json: { name: 'x', scopes: ['read'] },
    });
    assert.equal(noCsrf.status, 403);
    const withCsrf = await http(t, 'POST', '/api/v1/tokens', {
      headers: { cookie: session, 'x-csrf-token': res.json.csrfToken },
      json: { name: 'x', scopes: ['read'] },
    });
    assert.equal(withCsrf.status, 201);

    const wrong = await http(t, 'POST', '/api/v1/auth/login', { json: { username: 'alice', password: 'nope-nope' } });
    assert.equal(wrong.status, 401);
    const unknown = await http(t, 'POST', '/api/v1/auth/login', {
      json: { username: 'nobody', password: 'nope-nope' },
    });
    assert.equal(unknown.status, 401);
    assert.equal(unknown.json.detail, wrong.json.detail);

    const [row] = await storedRows<{ password_hash: string }>(
      t,
      "SELECT password_hash FROM users JOIN owners ON owners.id = users.owner_id WHERE name = 'alice'",
    );
    assert.ok(row);
    const tokens = await storedRows<{ token_hash: string }>(t, 'SELECT token_hash FROM tokens');
    assert.match(row.password_hash, /^scrypt\$32768\$8\$1\$/);
    assert.ok(!row.password_hash.includes('correct horse'));
    assert.ok(
      tokens.every((r) => /^[0-9a-f]{64}$/.test(r.token_hash)),
      'only token hashes are stored',
    );
    assert.ok(!tokens.some((r) => r.token_hash === res.json.token));
  });

  test('creating users needs the admin scope; bad input is a 400', async () => {
    const alice = t.client();
    await alice.login('alice', 'correct horse battery');
    await assert.rejects(alice.createUser('mallory', 'password123'), (e: MarqueeApiError) => e.status === 403);
    await assert.rejects(t.admin.createUser('Bad Name', 'password123'), (e: MarqueeApiError) => e.status === 400);
    await assert.rejects(t.admin.createUser('bob', 'short'), (e: MarqueeApiError) => e.status === 400);
    await assert.rejects(t.admin.createUser('alice', 'password123'), (e: MarqueeApiError) => e.status === 409);
    const extra = await http(t, 'POST', '/api/v1/users', {
      token: t.adminToken,
      json: { username: 'x1', password: 'abcdefgh', admin: true },
    });
    assert.equal(extra.status, 400);
  });

  test('tokens carry scopes and expiry, can be listed and revoked', async () => {
    const alice = t.client();
    await alice.login('alice', 'correct horse battery');
    const read = await alice.createToken({ name: 'ci', scopes: ['read'] });
    assert.match(read.token, /^mq_/);
    assert.deepEqual(read.scopes, ['read']);
    const listed = await alice.listTokens();
    assert.ok(listed.some((x) => x.id === read.id && x.name === 'ci'));
    assert.ok(!JSON.stringify(listed).includes(read.token), 'the raw token is never listed');
    assert.equal((await alice.getToken(read.id)).name, 'ci');

    // A token cannot carry a scope its creator lacks.
    await assert.rejects(
      alice.createToken({ name: 'up', scopes: ['admin'] }),
      (e: MarqueeApiError) => e.status === 400,
    );
    // Expiry in the past is refused; a short one expires.
    await assert.rejects(
      alice.createToken({ name: 'old', scopes: ['read'], expiresAt: '2001-01-01T00:00:00Z' }),
      (e: MarqueeApiError) => e.status === 400,
    );
    const short = await alice.createToken({
      name: 'short',
      scopes: ['read'],
      expiresAt: new Date(Date.now() + 1500).toISOString(),
    });
    assert.equal((await http(t, 'GET', '/api/v1/me', { token: short.token })).status, 200);
    await new Promise((r) => setTimeout(r, 1600));
    assert.equal((await http(t, 'GET', '/api/v1/me', { token: short.token })).status, 401);

    // A read token cannot write.
    const reader = t.client(read.token);
    await assert.rejects(
      reader.createModel({ owner: 'alice', name: 'm', task: 'other' }),
      (e: MarqueeApiError) => e.status === 403,
    );
    // Revoked tokens stop working at once.
    await alice.deleteToken(read.id);
    assert.equal((await http(t, 'GET', '/api/v1/me', { token: read.token })).status, 401);
    await assert.rejects(alice.deleteToken(read.id), (e: MarqueeApiError) => e.status === 404);
    // Someone else's token id is not found.
    const adminTokens = await t.admin.listTokens();
    await assert.rejects(alice.deleteToken(adminTokens[0]?.id as string), (e: MarqueeApiError) => e.status === 404);
  });

  test('logout ends the session', async () => {
    const c = t.client();
    const { token } = await c.login('alice', 'correct horse battery');
    await c.logout();
    assert.equal((await http(t, 'GET', '/api/v1/me', { token })).status, 401);
  });

  test('a private model is 404 to those who may not see it, over REST, OIP and for writes', async () => {
    await pushModel(t.admin, 'admin/secret', rowSumModel(), { visibility: 'private' });
    await pushModel(t.admin, 'admin/open', rowSumModel(), { visibility: 'public' });
    const alice = t.client();
    await alice.login('alice', 'correct horse battery');
    await assert.rejects(alice.getModel('admin/secret'), (e: MarqueeApiError) => e.status === 404);
    await assert.rejects(alice.getModel('admin/never-existed'), (e: MarqueeApiError) => e.status === 404);
    await assert.rejects(alice.oip.modelMetadata('admin/secret'), (e: MarqueeApiError) => e.status === 404);
    const input = [{ name: 'x', datatype: 'FP32' as const, shape: [1, 4], data: [1, 2, 3, 4] }];
    await assert.rejects(alice.oip.infer('admin/secret', input), (e: MarqueeApiError) => e.status === 404);
    await assert.rejects(alice.uploadVersion('admin/secret', rowSumModel()), (e: MarqueeApiError) => e.status === 404);
    // Public: visible and callable, but not writable by others.
    assert.equal((await alice.getModel('admin/open')).visibility, 'public');
    assert.deepEqual((await alice.oip.infer('admin/open', input)).outputs[0]?.data, [10]);
    await assert.rejects(alice.uploadVersion('admin/open', rowSumModel()), (e: MarqueeApiError) => e.status === 403);
    await assert.rejects(
      alice.createModel({ owner: 'admin', name: 'mine', task: 'other' }),
      (e: MarqueeApiError) => e.status === 403,
    );
  });

  test('a predict-only token can infer but not read the registry', async () => {
    const p = await t.admin.createToken({ name: 'app', scopes: ['predict'] });
    const app = t.client(p.token);
    const res = await app.oip.infer('admin/open', [{ name: 'x', datatype: 'FP32', shape: [1, 4], data: [1, 1, 1, 1] }]);
    assert.deepEqual(res.outputs[0]?.data, [4]);
    await assert.rejects(app.getModel('admin/open'), (e: MarqueeApiError) => e.status === 403);
    const readOnly = await t.admin.createToken({ name: 'ro', scopes: ['read'] });
    await assert.rejects(
      t
        .client(readOnly.token)
        .oip.infer('admin/open', [{ name: 'x', datatype: 'FP32', shape: [1, 4], data: [1, 1, 1, 1] }]),
      (e: MarqueeApiError) => e.status === 403,
    );
  });

  test('MARQUEE_ADMIN_TOKEN is honoured on a fresh store, and no token file is written', async () => {
    const { startTestServer: start } = await import('../harness/test-server.ts');
    const own = 'mq_fixed-admin-token-for-the-test-000000000000';
    const fs2 = await import('node:fs');
    const os = await import('node:os');
    const dir = fs2.mkdtempSync(path.join(os.tmpdir(), 'marquee-admin-'));
    const { loadConfig, startServer } = await import('@marquee/server');
    const s = await startServer({
      ...loadConfig({}, { MARQUEE_ADMIN_TOKEN: own }),
      host: '127.0.0.1',
      port: 0,
      grpcPort: 0,
      dataDir: dir,
      logLevel: 'warn',
    });
    try {
      assert.equal(s.generatedAdminToken, undefined);
      assert.equal(fs2.existsSync(path.join(dir, 'admin-token')), false);
      const res = await fetch(`${s.httpUrl}/api/v1/me`, { headers: { authorization: `Bearer ${own}` } });
      assert.equal(((await res.json()) as { username: string }).username, 'admin');
    } finally {
      await s.close();
      fs2.rmSync(dir, { recursive: true, force: true });
    }
    assert.equal(typeof start, 'function');
  });

  test('an admin left with no token (all revoked) gets a new one at the next start; revoked ones stay dead', async () => {
    const own = await startTestServer();
    try {
      const old = own.adminToken;
      for (const tok of await own.admin.listTokens()) await own.admin.deleteToken(tok.id);
      await own.restart();
      const fresh = fs.readFileSync(path.join(own.dataDir, 'admin-token'), 'utf8').trim();
      assert.notEqual(fresh, old);
      assert.equal((await http(own, 'GET', '/api/v1/me', { token: old })).status, 401);
      assert.equal((await http(own, 'GET', '/api/v1/me', { token: fresh })).json.username, 'admin');
      // With a token in place, a restart does not make another.
      await own.restart();
      assert.equal(fs.readFileSync(path.join(own.dataDir, 'admin-token'), 'utf8').trim(), fresh);
    } finally {
      await own.close();
    }
  });

  test('failed sign-ins slow down: after three, the next attempt waits (429 with Retry-After)', async () => {
    // A server of its own: the other tests' failed sign-ins came from the same address.
    const own = await startTestServer();
    try {
      await own.admin.createUser('slow', 'slow password 1');
      const login = (password: string) =>
        http(own, 'POST', '/api/v1/auth/login', { json: { username: 'slow', password } });
      for (let i = 0; i < 3; i++) assert.equal((await login('wrong password')).status, 401);
      const held = await login('slow password 1');
      assert.equal(held.status, 429, 'even the right password waits');
      assert.equal(held.headers.get('retry-after'), '1');
      assert.match(held.json.detail, /too many failed sign-ins/);
      await new Promise((r) => setTimeout(r, 1_100));
      assert.equal((await login('slow password 1')).status, 200);
    } finally {
      await own.close();
    }
  });

  test('a token shows when it was last used', async () => {
    const made = await t.admin.createToken({ name: 'seen', scopes: ['read'] });
    assert.equal(made.lastUsedAt, null);
    assert.equal((await http(t, 'GET', '/api/v1/me', { token: made.token })).status, 200);
    const listed = (await t.admin.listTokens()).find((k) => k.id === made.id);
    assert.ok(listed?.lastUsedAt && Date.now() - Date.parse(listed.lastUsedAt) < 60_000, JSON.stringify(listed));
  });
});

describe('sign-up, where the server allows it', () => {
  test('closed by default (403 saying who makes accounts); open with --allow-signup: an account and a session cookie', async () => {
    const closed = await startTestServer();
    try {
      const res = await http(closed, 'POST', '/api/v1/auth/signup', {
        json: { username: 'newcomer', password: 'a long password' },
      });
      assert.equal(res.status, 403);
      assert.match(res.json.detail, /does not allow sign-up/);
      assert.equal((await http(closed, 'GET', '/api/v1/auth/session')).json.signup, false);
    } finally {
      await closed.close();
    }
    const open = await startTestServer({ allowSignup: true });
    try {
      assert.deepEqual((await http(open, 'GET', '/api/v1/auth/session')).json, { user: null, signup: true });
      const made = await http(open, 'POST', '/api/v1/auth/signup', {
        json: { username: 'newcomer', password: 'a long password' },
      });
      assert.equal(made.status, 201, made.text);
      assert.match(made.headers.get('set-cookie') ?? '', /HttpOnly; SameSite=Lax/);
      assert.equal(made.json.user.isAdmin, false);
      const me = await http(open, 'GET', '/api/v1/me', { token: made.json.token });
      assert.equal(me.json.username, 'newcomer');
      assert.equal(
        (
          await http(open, 'POST', '/api/v1/auth/signup', {
            json: { username: 'newcomer', password: 'another password' },
          })
        ).status,
        409,
      );
      assert.equal(
        (
          await http(open, 'POST', '/api/v1/auth/signup', {
            json: { username: 'Bad Name', password: 'a long password' },
          })
        ).status,
        400,
      );
      assert.equal(
        (await http(open, 'POST', '/api/v1/auth/signup', { json: { username: 'shorty', password: 'short' } })).status,
        400,
      );
      assert.equal(
        (await http(open, 'POST', '/api/v1/auth/signup', { json: { username: 'admin', password: 'a long password' } }))
          .status,
        409,
        'nobody takes the admin name',
      );
    } finally {
      await open.close();
    }
  });
});
