import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
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

  test('/api/openapi.json is a valid OpenAPI 3 document (every route, the marketplace included)', async () => {
    const res = await http(t, 'GET', '/api/openapi.json');
    const result = await new Validator().validate(res.json);
    assert.equal(result.valid, true, JSON.stringify(result.errors?.slice(0, 3)));
    for (const p of [
      '/api/v1/market/search',
      '/api/v1/models/{owner}/{name}/card',
      '/api/v1/models/{owner}/{name}/publish',
    ]) {
      assert.ok(res.json.paths[p], p);
    }
  });

  test('/api/docs serves the interactive documentation', async () => {
    const res = await http(t, 'GET', '/api/docs/');
    assert.equal(res.status, 200);
    assert.match(res.text, /swagger/i);
  });
});
