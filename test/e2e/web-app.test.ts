import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { http, startTestServer, type TestServer } from '../harness/test-server.ts';

/** A built app of two files, as vite lays it out: the server must not care what is in them. */
function fakeBuild(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-web-'));
  fs.mkdirSync(path.join(dir, 'assets'));
  fs.writeFileSync(
    path.join(dir, 'index.html'),
    '<!doctype html><div id="root"></div><script src="/assets/app-abc123.js"></script>',
  );
  fs.writeFileSync(path.join(dir, 'assets', 'app-abc123.js'), 'console.log("app")');
  fs.writeFileSync(path.join(dir, 'robots.txt'), 'User-agent: *\n');
  return dir;
}

describe('the web app is served at /, beside the API and never in its way', () => {
  let t: TestServer;
  let web: string;
  before(async () => {
    web = fakeBuild();
    t = await startTestServer({ webDir: web });
  });
  after(async () => {
    await t.close();
    fs.rmSync(web, { recursive: true, force: true });
  });

  test("the app's routes answer index.html, never cached; hashed assets are cached for a year", async () => {
    for (const p of ['/', '/models/ann/mood', '/sign-in?next=/x']) {
      const res = await http(t, 'GET', p);
      assert.equal(res.status, 200, p);
      assert.match(res.headers.get('content-type') ?? '', /text\/html/);
      assert.equal(res.headers.get('cache-control'), 'no-cache');
      assert.match(res.text, /<div id="root">/);
    }
    const asset = await http(t, 'GET', '/assets/app-abc123.js');
    assert.equal(asset.status, 200);
    assert.match(asset.headers.get('content-type') ?? '', /javascript/);
    assert.equal(asset.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.equal((await http(t, 'GET', '/robots.txt')).headers.get('cache-control'), 'public, max-age=3600');
    assert.equal((await http(t, 'GET', '/assets/app-old999.js')).status, 404, 'a stale hash is a 404, not the page');
  });

  test('the API, OIP, metrics and health keep their own answers', async () => {
    const api = await http(t, 'GET', '/api/v1/nothing-here');
    assert.equal(api.status, 404);
    assert.match(api.headers.get('content-type') ?? '', /application\/problem\+json/);
    const oip = await http(t, 'GET', '/v2/nothing');
    assert.equal(oip.status, 404);
    assert.ok(oip.json.error);
    assert.equal((await http(t, 'GET', '/healthz')).status, 200);
    assert.match((await http(t, 'GET', '/metrics', { token: t.adminToken })).text, /# TYPE/);
    assert.equal((await http(t, 'GET', '/api/openapi.json')).status, 200);
    assert.equal((await http(t, 'POST', '/models/ann/mood')).status, 404, 'only GET and HEAD reach the app');
  });

  test('nothing outside the build folder is served', async () => {
    for (const p of ['/..%2f..%2fetc%2fpasswd', '/%2e%2e/%2e%2e/etc/passwd', '/assets/..%2f..%2fpackage.json']) {
      const res = await http(t, 'GET', p);
      assert.doesNotMatch(res.text, /root:|"workspaces"/, p);
    }
  });

  test('without a build, / says how to build it', async () => {
    const bare = await startTestServer({ webDir: path.join(web, 'nope') });
    try {
      const res = await http(bare, 'GET', '/');
      assert.equal(res.status, 503);
      assert.match(res.text, /npm run build:web/);
    } finally {
      await bare.close();
    }
  });
});
