import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { http, startTestServer, type TestServer } from '../harness/test-server.ts';

describe('API description', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.close());

  test('/api/openapi.json is generated from the route schemas', async () => {
    const res = await http(t, 'GET', '/api/openapi.json');
    assert.equal(res.status, 200);
    assert.match(res.json.openapi, /^3\./);
    const paths = Object.keys(res.json.paths);
    for (const p of [
      '/api/v1/users',
      '/api/v1/auth/login',
      '/api/v1/tokens',
      '/api/v1/models',
      '/api/v1/models/{owner}/{name}/versions',
      '/api/v1/models/{owner}/{name}/aliases/{alias}',
    ]) {
      assert.ok(paths.includes(p), p);
    }
    // The body schema of a route is its validation: the same required fields appear here.
    const create = res.json.paths['/api/v1/models'].post.requestBody.content['application/json'].schema;
    assert.deepEqual(new Set(create.required), new Set(['owner', 'name', 'task']));
    assert.equal(create.additionalProperties, false);
  });

  test('/api/docs serves the interactive documentation', async () => {
    const res = await http(t, 'GET', '/api/docs/');
    assert.equal(res.status, 200);
    assert.match(res.text, /swagger/i);
  });
});
