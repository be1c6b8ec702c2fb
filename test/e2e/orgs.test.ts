import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { MarqueeClient } from '@marquee/client';
import { logisticRegressionModel } from '../fixtures/onnx-models.ts';
import { runCli } from '../harness/cli-process.ts';
import { fixtureFile } from '../harness/fixtures.ts';
import { http, startTestServer, type TestServer } from '../harness/test-server.ts';

/** Status of a call that should fail (and its problem detail). */
async function status(p: Promise<unknown>): Promise<number> {
  try {
    await p;
    return 200;
  } catch (err) {
    return (err as { status: number }).status;
  }
}

describe('organisations, roles, internal visibility and collaborators', () => {
  let t: TestServer;
  const tokens: Record<string, string> = {};
  const as: Record<string, MarqueeClient> = {};
  const onnx = logisticRegressionModel().bytes;

  before(async () => {
    t = await startTestServer({ jobConcurrency: 1 });
    for (const name of ['ada', 'ben', 'cat', 'dan', 'eve']) {
      await t.admin.createUser(name, `${name} password 123`);
      as[name] = t.client();
      tokens[name] = (await (as[name] as MarqueeClient).login(name, `${name} password 123`)).token;
    }
  });
  after(() => t.close());

  const call = (who: string | null, method: string, path: string, json?: unknown) =>
    http(t, method, `/api/v1${path}`, { ...(who && { token: tokens[who] }), ...(json !== undefined && { json }) });

  test('an organisation shares the owner namespace; its creator is its admin; admins manage members', async () => {
    const created = await call('ada', 'POST', '/orgs', { name: 'studio' });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.json.role, 'admin');
    assert.deepEqual(
      created.json.members.map((m: { user: string; role: string }) => [m.user, m.role]),
      [['ada', 'admin']],
    );
    assert.equal((await call('ben', 'POST', '/orgs', { name: 'ada' })).status, 409, 'a user name is taken');
    assert.equal((await call('ben', 'POST', '/orgs', { name: 'studio' })).status, 409);
    assert.equal((await call('ben', 'POST', '/orgs', { name: 'Bad Name' })).status, 400);

    for (const [user, role] of [
      ['ben', 'read'],
      ['cat', 'write'],
    ]) {
      assert.equal((await call('ada', 'PUT', `/orgs/studio/members/${user}`, { role })).status, 200);
    }
    assert.equal(
      (await call('cat', 'PUT', '/orgs/studio/members/dan', { role: 'read' })).status,
      403,
      'writers do not manage members',
    );
    assert.equal((await call('ada', 'PUT', '/orgs/studio/members/nobody', { role: 'read' })).status, 404);
    assert.equal((await call('ada', 'PUT', '/orgs/studio/members/ben', { role: 'owner' })).status, 400);
    assert.equal(
      (await call('ada', 'PUT', '/orgs/studio/members/ada', { role: 'write' })).status,
      409,
      'the last admin stays',
    );
    assert.equal((await call('ada', 'DELETE', '/orgs/studio/members/ada')).status, 409);

    const seenByMember = await call('ben', 'GET', '/orgs/studio');
    assert.equal(seenByMember.json.role, 'read');
    assert.equal(seenByMember.json.members.length, 3);
    const seenByOutsider = await call('eve', 'GET', '/orgs/studio');
    assert.equal(seenByOutsider.status, 200);
    assert.equal(seenByOutsider.json.members, undefined, 'members are shown to members only');
    assert.equal((await call(null, 'GET', '/orgs/ada')).status, 404, 'a user is not an organisation');
  });

  test('members write org models by their role; internal models are seen by members only', async () => {
    assert.equal(
      (
        await call('ben', 'POST', '/models', {
          owner: 'studio',
          name: 'recs',
          task: 'classification',
          visibility: 'internal',
        })
      ).status,
      403,
      'a read member creates nothing',
    );
    const made = await call('cat', 'POST', '/models', {
      owner: 'studio',
      name: 'recs',
      task: 'classification',
      visibility: 'internal',
    });
    assert.equal(made.status, 201, made.text);
    await (as.cat as MarqueeClient).uploadVersion('studio/recs', onnx);

    // Seen and served for members, invisible to others (404, not in listings or search).
    assert.equal((await call('ben', 'GET', '/models/studio/recs')).status, 200);
    assert.equal((await call('eve', 'GET', '/models/studio/recs')).status, 404);
    assert.equal((await call(null, 'GET', '/models/studio/recs')).status, 404);
    assert.deepEqual(
      (await call('ben', 'GET', '/models?owner=studio')).json.items.map((m: { fullName: string }) => m.fullName),
      ['studio/recs'],
    );
    assert.equal((await call('eve', 'GET', '/models?owner=studio')).json.total, 0);
    const infer = (who: string) =>
      http(t, 'POST', '/v2/models/studio.recs/infer', {
        token: tokens[who],
        json: { inputs: [{ name: 'input-0', datatype: 'FP32', shape: [1, 20], data: new Array(20).fill(0.5) }] },
      });
    assert.equal((await infer('ben')).status, 200);
    assert.equal((await infer('eve')).status, 404);

    // A read member may not change it; a write member may, but not who sees it.
    assert.equal((await call('ben', 'PATCH', '/models/studio/recs', { description: 'mine' })).status, 403);
    assert.equal((await call('cat', 'PATCH', '/models/studio/recs', { description: 'recommender' })).status, 200);
    // Who made a model under the org administers it; the org's other writers do not.
    assert.equal((await call('cat', 'PATCH', '/models/studio/recs', { visibility: 'internal' })).status, 200);
    assert.equal(
      (
        await call('ada', 'POST', '/models', {
          owner: 'studio',
          name: 'shared',
          task: 'classification',
          visibility: 'internal',
        })
      ).status,
      201,
    );
    assert.equal((await call('cat', 'PATCH', '/models/studio/shared', { description: 'ok' })).status, 200);
    assert.equal((await call('cat', 'PATCH', '/models/studio/shared', { visibility: 'public' })).status, 403);
    assert.equal((await call('cat', 'DELETE', '/models/studio/shared')).status, 403, 'deleting needs admin');
  });

  test('private org models: org admins and collaborators only', async () => {
    const made = await call('ada', 'POST', '/models', {
      owner: 'studio',
      name: 'secret',
      task: 'classification',
      visibility: 'private',
    });
    assert.equal(made.status, 201, made.text);
    assert.equal(
      (await call('cat', 'GET', '/models/studio/secret')).status,
      404,
      'a writer of the org does not see it',
    );
    assert.equal((await call('ada', 'GET', '/models/studio/secret')).status, 200);
    assert.equal((await call('ada', 'PUT', '/models/studio/secret/collaborators/cat', { role: 'read' })).status, 200);
    assert.equal((await call('cat', 'GET', '/models/studio/secret')).status, 200, 'now a collaborator');
    assert.equal((await call('cat', 'PATCH', '/models/studio/secret', { description: 'x' })).status, 403);
    assert.equal((await call('ada', 'DELETE', '/models/studio/secret/collaborators/cat')).status, 204);
    assert.equal((await call('cat', 'GET', '/models/studio/secret')).status, 404);
  });

  test("an organisation's writers see each other's jobs on its models; outsiders do not", async () => {
    const c = as.cat as MarqueeClient;
    await c.createDataset({ owner: 'studio', name: 'iris', visibility: 'internal' });
    await c.uploadDatasetVersion('studio/iris', fixtureFile('tabular-sklearn/iris.csv'), 'csv');
    const job = await c.train({
      model: 'studio/iris-nb',
      dataset: 'studio/iris@1',
      task: 'classification',
      algorithm: 'naive-bayes',
      target: 'target',
    });
    assert.equal((await call('ada', 'GET', `/training-jobs/${job.id}`)).status, 200, 'the org admin');
    assert.ok(
      (await call('ada', 'GET', '/training-jobs')).json.jobs.some((j: { id: string }) => j.id === job.id),
      "listed to the org's admin",
    );
    assert.equal((await call('eve', 'GET', `/training-jobs/${job.id}`)).status, 404, 'an outsider');
    assert.ok(!(await call('eve', 'GET', '/training-jobs')).json.jobs.some((j: { id: string }) => j.id === job.id));
    const done = await c.followJob(job.id);
    assert.equal(done.state, 'succeeded', done.error ?? '');
  });

  test("collaborators on a user's private model and dataset: read sees and predicts, write changes, only admins share", async () => {
    const a = as.dan as MarqueeClient;
    await a.createModel({ owner: 'dan', name: 'mood', task: 'classification', visibility: 'private' });
    await a.uploadVersion('dan/mood', onnx);
    await a.createDataset({ owner: 'dan', name: 'notes', visibility: 'private' });
    await a.uploadDatasetVersion('dan/notes', new TextEncoder().encode('a,b\n1,2\n3,4\n'), 'csv');
    assert.equal((await call('eve', 'GET', '/models/dan/mood')).status, 404);
    assert.equal(
      (await call('eve', 'PUT', '/models/dan/mood/collaborators/eve', { role: 'admin' })).status,
      404,
      'hidden stays hidden',
    );

    assert.equal((await call('dan', 'PUT', '/models/dan/mood/collaborators/eve', { role: 'read' })).status, 200);
    assert.equal((await call('dan', 'PUT', '/datasets/dan/notes/collaborators/eve', { role: 'write' })).status, 200);
    assert.equal((await call('eve', 'GET', '/models/dan/mood')).status, 200);
    const inferred = await http(t, 'POST', '/v2/models/dan.mood/infer', {
      token: tokens.eve,
      json: { inputs: [{ name: 'input-0', datatype: 'FP32', shape: [1, 20], data: new Array(20).fill(0.1) }] },
    });
    assert.equal(inferred.status, 200, 'the predict path sees the collaborator at once');
    assert.deepEqual(
      (await call('eve', 'GET', '/models')).json.items.map((m: { fullName: string }) => m.fullName),
      ['dan/mood'],
      'listed to the collaborator',
    );
    assert.equal((await call('eve', 'PATCH', '/models/dan/mood', { description: 'x' })).status, 403);
    assert.equal(
      await status(
        (as.eve as MarqueeClient).uploadDatasetVersion('dan/notes', new TextEncoder().encode('a,b\n5,6\n'), 'csv'),
      ),
      200,
      'a write collaborator adds dataset versions',
    );
    assert.equal(
      (await call('eve', 'PUT', '/datasets/dan/notes/collaborators/ben', { role: 'read' })).status,
      403,
      'only admins share',
    );
    assert.equal(
      (await call('eve', 'GET', '/models/dan/mood/collaborators')).status,
      403,
      'readers do not see who else',
    );
    const listed = await call('dan', 'GET', '/models/dan/mood/collaborators');
    assert.deepEqual(
      listed.json.collaborators.map((c: { user: string; role: string }) => [c.user, c.role]),
      [['eve', 'read']],
    );
    assert.equal(
      (await call('dan', 'PUT', '/models/dan/mood/collaborators/studio', { role: 'read' })).status,
      404,
      'collaborators are users',
    );
  });

  test('tokens limited to one organisation or one model reach nothing else', async () => {
    const ada = as.ada as MarqueeClient;
    await ada.createModel({ owner: 'ada', name: 'own', task: 'classification', visibility: 'public' });
    const orgToken = (
      await ada.createToken({ name: 'studio only', scopes: ['read', 'predict'], limitTo: { org: 'studio' } })
    ).token;
    const listed = await http(t, 'GET', '/api/v1/models', { token: orgToken });
    assert.ok(listed.json.items.length > 0);
    assert.ok(
      listed.json.items.every((m: { owner: string }) => m.owner === 'studio'),
      'only the org, even public models of others hidden',
    );
    assert.equal((await http(t, 'GET', '/api/v1/models/ada/own', { token: orgToken })).status, 404);
    const infer = (token: string, model: string) =>
      http(t, 'POST', `/v2/models/${model}/infer`, {
        token,
        json: { inputs: [{ name: 'input-0', datatype: 'FP32', shape: [1, 20], data: new Array(20).fill(0.4) }] },
      });
    assert.equal((await infer(orgToken, 'studio.recs')).status, 200);
    assert.equal((await infer(orgToken, 'dan.mood')).status, 404);

    const modelToken = (
      await ada.createToken({ name: 'recs only', scopes: ['read', 'predict'], limitTo: { model: 'studio/recs' } })
    ).token;
    assert.equal((await http(t, 'GET', '/api/v1/models/studio/recs', { token: modelToken })).status, 200);
    assert.equal((await http(t, 'GET', '/api/v1/models/studio/shared', { token: modelToken })).status, 404);
    assert.deepEqual(
      (await http(t, 'GET', '/api/v1/models', { token: modelToken })).json.items.map(
        (m: { fullName: string }) => m.fullName,
      ),
      ['studio/recs'],
    );
    assert.equal((await http(t, 'GET', '/api/v1/datasets', { token: modelToken })).json.total, 0);
    assert.equal((await infer(modelToken, 'studio.recs')).status, 200);
    assert.equal(
      (await http(t, 'GET', '/api/v1/orgs/studio/audit', { token: modelToken })).status,
      403,
      "an org admin's token limited to one model does not reach the org's settings",
    );
    assert.equal((await http(t, 'GET', '/api/v1/orgs/studio/audit', { token: orgToken })).status, 200);
    const tokens = await ada.listTokens();
    assert.deepEqual(
      tokens
        .filter((k) => k.limitedTo)
        .map((k) => k.limitedTo)
        .sort(),
      ['model:studio/recs', 'org:studio'],
    );

    assert.equal(
      (await http(t, 'POST', '/api/v1/tokens', { token: modelToken, json: { name: 'x', scopes: ['read'] } })).status,
      403,
      'a limited token makes no tokens',
    );
    assert.equal(
      (await call('eve', 'POST', '/tokens', { name: 'x', scopes: ['read'], limitTo: { org: 'studio' } })).status,
      404,
    );
    assert.equal(
      (
        await call('ada', 'POST', '/tokens', {
          name: 'x',
          scopes: ['read'],
          limitTo: { org: 'studio', model: 'studio/recs' },
        })
      ).status,
      400,
    );
  });

  test('a member who leaves loses access at once', async () => {
    assert.equal((await call('ben', 'DELETE', '/orgs/studio/members/ben')).status, 204);
    assert.equal((await call('ben', 'GET', '/models/studio/recs')).status, 404);
    assert.equal((await call('ben', 'GET', '/orgs/studio')).json.role, null);
  });

  test('the CLI: orgs create, member, show; collaborators', async () => {
    const env = (who: string) => ({ env: { MARQUEE_URL: t.url, MARQUEE_TOKEN: tokens[who] as string } });
    const made = await runCli(['orgs', 'create', 'label'], env('eve'));
    assert.equal(made.code, 0, made.stderr);
    const added = await runCli(['orgs', 'member', 'label', 'ada', '--role', 'write'], env('eve'));
    assert.equal(added.code, 0, added.stderr);
    const shown = await runCli(['orgs', 'show', 'label'], env('ada'));
    assert.match(shown.stdout, /your role: write/);
    assert.match(shown.stdout, /^eve +admin /m);
    const denied = await runCli(['orgs', 'member', 'label', 'ben', '--role', 'read'], env('ada'));
    assert.equal(denied.code, 1);
    assert.match(denied.stderr, /only the admins of label change its members/);
    const bad = await runCli(['orgs', 'member', 'label', 'ben', '--role', 'boss'], env('eve'));
    assert.equal(bad.code, 2);
    const shared = await runCli(['collaborators', 'dan/mood', '--user', 'ada', '--role', 'read'], env('dan'));
    assert.equal(shared.code, 0, shared.stderr);
    assert.match(shared.stdout, /^ada +read /m);
  });
});
