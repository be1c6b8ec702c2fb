import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { http, startTestServer, type TestServer } from '../harness/test-server.ts';

describe('discussions on models and datasets', () => {
  let t: TestServer;
  const tokens: Record<string, string> = {};
  const D = '/api/v1/models/ann/mood/discussions';

  before(async () => {
    t = await startTestServer();
    for (const name of ['ann', 'ben', 'cat']) {
      await t.admin.createUser(name, `${name} password 123`);
      tokens[name] = (await t.client().login(name, `${name} password 123`)).token;
    }
    const ann = t.client(tokens.ann);
    await ann.createModel({ owner: 'ann', name: 'mood', task: 'sentiment', visibility: 'public' });
    await ann.createModel({ owner: 'ann', name: 'secret', task: 'sentiment', visibility: 'private' });
    await ann.createDataset({ owner: 'ann', name: 'reviews', visibility: 'public' });
  });
  after(() => t.close());

  const call = (who: string | null, method: string, path: string, json?: unknown) =>
    http(t, method, path, { ...(who && { token: tokens[who] }), ...(json !== undefined && { json }) });

  test('anyone who sees the model opens a thread and comments; Markdown is shown safe', async () => {
    const opened = await call('ben', 'POST', D, {
      title: 'Sarcasm is read as praise',
      body: 'Try **"great, another delay"**. <script>alert(1)</script> [more](javascript:alert(1))',
    });
    assert.equal(opened.status, 201, opened.text);
    assert.equal(opened.json.number, 1);
    assert.equal(opened.json.author, 'ben');
    assert.equal(opened.json.state, 'open');
    const [first] = opened.json.thread;
    assert.match(first.html, /<strong>/);
    assert.doesNotMatch(first.html, /<script|href="javascript:/i);
    assert.match(first.html, /&lt;script&gt;/);

    const reply = await call('cat', 'POST', `${D}/1/comments`, { body: 'Same with "thanks a lot".' });
    assert.equal(reply.status, 201);
    const listed = await call(null, 'GET', D);
    assert.deepEqual(
      listed.json.discussions.map((d: { number: number; comments: number }) => [d.number, d.comments]),
      [[1, 2]],
      'anonymous callers read public discussions',
    );
    assert.equal((await call(null, 'POST', D, { title: 'x', body: 'y' })).status, 401);
    assert.equal((await call('ben', 'POST', D, { title: '', body: 'y' })).status, 400);
    assert.equal((await call('ben', 'GET', `${D}/9`)).status, 404);
  });

  test('authors edit their own comments; the author or writers close and reopen', async () => {
    const thread = (await call('ben', 'GET', `${D}/1`)).json;
    const [bens, cats] = thread.thread;
    const edited = await call('ben', 'PATCH', `${D}/1/comments/${bens.id}`, { body: 'Edited: sarcasm.' });
    assert.equal(edited.status, 200);
    assert.ok(edited.json.editedAt);
    assert.equal((await call('cat', 'PATCH', `${D}/1/comments/${bens.id}`, { body: 'mine' })).status, 403);
    assert.equal((await call('cat', 'PATCH', `${D}/1`, { state: 'closed' })).status, 403);
    assert.equal((await call('ben', 'PATCH', `${D}/1`, { state: 'closed' })).json.state, 'closed');
    assert.equal((await call('ann', 'PATCH', `${D}/1`, { state: 'open' })).json.state, 'open');
    assert.equal((await call('ben', 'PATCH', `${D}/1/comments/${cats.id}`, { hidden: true })).status, 403);
  });

  test('admins lock a thread (only they comment then) and hide comments (hidden to others)', async () => {
    assert.equal((await call('ben', 'PATCH', `${D}/1`, { locked: true })).status, 403);
    assert.equal((await call('ann', 'PATCH', `${D}/1`, { locked: true })).json.locked, true);
    const refused = await call('cat', 'POST', `${D}/1/comments`, { body: 'one more' });
    assert.equal(refused.status, 403);
    assert.match(refused.json.detail, /locked/);
    assert.equal((await call('ann', 'POST', `${D}/1/comments`, { body: 'Fixed in v2.' })).status, 201);
    const cats = (await call('ann', 'GET', `${D}/1`)).json.thread[1];
    assert.equal((await call('ann', 'PATCH', `${D}/1/comments/${cats.id}`, { hidden: true })).status, 200);
    const seen = (await call(null, 'GET', `${D}/1/comments`)).json.comments[1];
    assert.equal(seen.hidden, true);
    assert.equal(seen.body, null);
    assert.equal(seen.html, null);
    const byAdmin = (await call('ann', 'GET', `${D}/1`)).json.thread[1];
    assert.equal(byAdmin.body, 'Same with "thanks a lot".', 'admins still read it');
  });

  test('private resources keep their discussions private; datasets have them too', async () => {
    const secret = '/api/v1/models/ann/secret/discussions';
    assert.equal((await call('ann', 'POST', secret, { title: 'todo', body: 'private note' })).status, 201);
    assert.equal((await call('ben', 'GET', secret)).status, 404);
    assert.equal((await call('ben', 'GET', `${secret}/1`)).status, 404);
    assert.equal((await call('ben', 'POST', secret, { title: 'x', body: 'y' })).status, 404);
    const ds = await call('cat', 'POST', '/api/v1/datasets/ann/reviews/discussions', {
      title: 'Duplicated rows',
      body: 'Rows 10 and 11 are the same review.',
    });
    assert.equal(ds.status, 201, ds.text);
    assert.equal((await call(null, 'GET', '/api/v1/datasets/ann/reviews/discussions')).json.discussions.length, 1);
  });
});
