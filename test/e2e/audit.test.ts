import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { logisticRegressionModel } from '../fixtures/onnx-models.ts';
import { http, startTestServer, type TestServer } from '../harness/test-server.ts';

interface Entry {
  id: number;
  at: string;
  actor: string | null;
  token: string | null;
  address: string;
  method: string;
  route: string;
  path: string;
  status: number;
}

describe('the audit log', () => {
  let t: TestServer;
  const tokens: Record<string, string> = {};

  before(async () => {
    t = await startTestServer({ jobConcurrency: 1 });
    for (const name of ['ada', 'ben', 'eve']) {
      await t.admin.createUser(name, `${name} password 123`);
      tokens[name] = (await t.client().login(name, `${name} password 123`)).token;
    }
  });
  after(() => t.close());

  const call = (who: string | null, method: string, path: string, json?: unknown) =>
    http(t, method, `/api/v1${path}`, { ...(who && { token: tokens[who] }), ...(json !== undefined && { json }) });

  /** Records are appended after the answer: wait until `count` are there. */
  async function entries(who: string, path: string, atLeast: number): Promise<Entry[]> {
    for (let i = 0; i < 50; i++) {
      const r = await call(who, 'GET', path);
      assert.equal(r.status, 200, r.text);
      if (r.json.entries.length >= atLeast) return r.json.entries;
      await new Promise((res) => setTimeout(res, 50));
    }
    assert.fail(`fewer than ${atLeast} audit entries at ${path}`);
  }

  test('every write is recorded: who, which token, from where, what, when, the answer', async () => {
    assert.equal((await call('ada', 'POST', '/orgs', { name: 'studio' })).status, 201);
    assert.equal((await call('ada', 'PUT', '/orgs/studio/members/ben', { role: 'write' })).status, 200);
    assert.equal(
      (
        await call('ada', 'POST', '/models', {
          owner: 'studio',
          name: 'recs',
          task: 'classification',
          visibility: 'internal',
        })
      ).status,
      201,
    );
    const upload = await http(t, 'POST', '/api/v1/models/studio/recs/versions', {
      token: tokens.ada,
      body: logisticRegressionModel().bytes,
      headers: { 'content-type': 'application/octet-stream' },
    });
    assert.equal(upload.status, 201, upload.text);
    assert.equal((await call('ben', 'PATCH', '/models/studio/recs', { description: 'better' })).status, 200);
    assert.equal((await call('eve', 'PATCH', '/models/studio/recs', { description: 'mine now' })).status, 404);
    // Reads and predictions are not writes.
    await call('ben', 'GET', '/models/studio/recs');
    const infer = await http(t, 'POST', '/v2/models/studio.recs/infer', {
      token: tokens.ben,
      json: { inputs: [{ name: 'input-0', datatype: 'FP32', shape: [1, 20], data: new Array(20).fill(1) }] },
    });
    assert.equal(infer.status, 200);

    const mine = await entries('ben', '/me/audit', 1);
    assert.equal(mine.length, 1, 'ben made one write');
    const [patch] = mine;
    assert.equal(patch?.actor, 'ben');
    assert.equal(patch?.method, 'PATCH');
    assert.equal(patch?.route, '/api/v1/models/:owner/:name');
    assert.equal(patch?.path, '/api/v1/models/studio/recs');
    assert.equal(patch?.status, 200);
    assert.equal(patch?.address, '127.0.0.1');
    assert.match(patch?.token ?? '', /\S/, 'the token is named by its id');
    assert.ok(Math.abs(Date.parse(patch?.at ?? '') - Date.now()) < 60_000);
    assert.doesNotMatch(JSON.stringify(mine), new RegExp(tokens.ben as string), 'never the token itself');

    const all = await entries('ada', '/orgs/studio/audit', 6);
    assert.deepEqual(
      all.map((e) => [e.actor, e.method, e.path, e.status]),
      [
        ['eve', 'PATCH', '/api/v1/models/studio/recs', 404],
        ['ben', 'PATCH', '/api/v1/models/studio/recs', 200],
        ['ada', 'POST', '/api/v1/models/studio/recs/versions', 201],
        ['ada', 'POST', '/api/v1/models', 201],
        ['ada', 'PUT', '/api/v1/orgs/studio/members/ben', 200],
        ['ada', 'POST', '/api/v1/orgs', 201],
      ],
      "newest first, the outsider's refused attempt included",
    );
  });

  test('filters by actor, resource and time; org admins only; nothing deletes it', async () => {
    const byBen = await call('ada', 'GET', '/orgs/studio/audit?actor=ben');
    assert.deepEqual(
      byBen.json.entries.map((e: Entry) => e.actor),
      ['ben'],
    );
    const versions = await call('ada', 'GET', '/orgs/studio/audit?resource=models/studio/recs/versions');
    assert.equal(versions.json.entries.length, 1);
    const future = await call(
      'ada',
      'GET',
      `/orgs/studio/audit?since=${new Date(Date.now() + 3_600_000).toISOString()}`,
    );
    assert.deepEqual(future.json.entries, []);
    const paged = await call('ada', 'GET', '/orgs/studio/audit?limit=2');
    assert.equal(paged.json.entries.length, 2);
    const next = await call('ada', 'GET', `/orgs/studio/audit?limit=2&before=${paged.json.entries[1].id}`);
    assert.ok(next.json.entries.every((e: Entry) => e.id < paged.json.entries[1].id));
    assert.equal((await call('ada', 'GET', '/orgs/studio/audit?since=yesterday-ish')).status, 400);
    assert.equal((await call('ben', 'GET', '/orgs/studio/audit')).status, 403, 'writers do not read it');
    assert.equal((await call('ada', 'GET', '/orgs/nowhere/audit')).status, 404);
    assert.equal((await call(null, 'GET', '/me/audit')).status, 401);
    assert.equal((await call('ada', 'DELETE', '/me/audit')).status, 404, 'no route removes a record');
  });
});
