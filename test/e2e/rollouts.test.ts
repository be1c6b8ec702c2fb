import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { MarqueeClient } from '@marquee/client';
import { logisticRegressionModel } from '../fixtures/onnx-models.ts';
import { http as call, grpcCall, grpcClient, startTestServer, type TestServer } from '../harness/test-server.ts';

/**
 * Rollouts of an alias over REST and gRPC: a sticky canary split, a shadow compared and
 * never returned, per-version metrics, promote and roll back as one audited call each.
 */
describe('rollouts: canary and shadow traffic on an alias', () => {
  let t: TestServer;
  let ann: MarqueeClient;
  let annToken = '';
  let rayToken = '';
  const model = 'ann/mood';
  const row = new Array(20).fill(0.3);
  const rest = (token: string, params?: Record<string, string>) =>
    call(t, 'POST', '/v2/models/ann.mood/infer', {
      token,
      json: {
        inputs: [{ name: 'input-0', datatype: 'FP32', shape: [1, 20], data: row }],
        ...(params && { parameters: params }),
      },
    });
  const grpc = (token: string, key: string) =>
    grpcCall<{ model_version: string }>(
      grpcClient(t.grpcPort),
      'ModelInfer',
      {
        model_name: 'ann.mood',
        inputs: [{ name: 'input-0', datatype: 'FP32', shape: [1, 20], contents: { fp32_contents: row } }],
        parameters: { routing_key: { string_param: key } },
      },
      token,
    );

  before(async () => {
    t = await startTestServer();
    await t.admin.createUser('ann', 'ann password 123');
    await t.admin.createUser('ray', 'ray password 123');
    ann = t.client();
    annToken = (await ann.login('ann', 'ann password 123')).token;
    rayToken = (await t.client().login('ray', 'ray password 123')).token;
    await ann.createModel({ owner: 'ann', name: 'mood', task: 'classification', visibility: 'public' });
    for (let i = 0; i < 3; i++) await ann.uploadVersion(model, logisticRegressionModel().bytes);
    await ann.setAlias(model, 'champion', 1);
  });
  after(() => t.close());

  test('a canary splits the alias by weight, sticky per request key, the same over REST and gRPC', async () => {
    const d = await ann.deployments.put(model, {
      routes: [
        { version: 1, weight: 50 },
        { version: 2, weight: 50 },
      ],
      sticky: 'key',
    });
    assert.deepEqual(
      d.routes.map((r) => [r.version, r.weight]),
      [
        [1, 50],
        [2, 50],
      ],
    );
    const seen = new Map<string, string>();
    for (let k = 0; k < 120; k++) {
      const res = await rest(annToken, { routing_key: `user-${k}` });
      assert.equal(res.status, 200, res.text);
      seen.set(`user-${k}`, res.json.model_version);
    }
    const onCanary = [...seen.values()].filter((v) => v === '2').length;
    assert.ok(onCanary > 35 && onCanary < 85, `about half the keys on the canary: ${onCanary}/120`);
    for (const k of ['user-1', 'user-2', 'user-3', 'user-50']) {
      assert.equal((await rest(annToken, { routing_key: k })).json.model_version, seen.get(k), 'sticky by key');
      assert.equal((await grpc(annToken, k)).model_version, seen.get(k), 'gRPC routes the same key the same way');
    }
    // An explicit version is never rerouted.
    assert.equal(
      (
        await call(t, 'POST', '/v2/models/ann.mood/versions/3/infer', {
          token: annToken,
          json: { inputs: [{ name: 'input-0', datatype: 'FP32', shape: [1, 20], data: row }] },
        })
      ).json.model_version,
      '3',
    );
    const stats = await ann.deployments.get(model);
    const served = stats.routes.reduce((s, r) => s + r.stats.requests, 0);
    assert.equal(served, 120 + 8, 'per-version counts cover every routed request');
    assert.ok(stats.routes.every((r) => r.stats.requests > 0 && r.stats.latencyMs !== null));
  });

  test('sticky per caller: one user always sees one version', async () => {
    await ann.deployments.put(model, {
      routes: [
        { version: 1, weight: 50 },
        { version: 2, weight: 50 },
      ],
    });
    for (const token of [annToken, rayToken]) {
      const versions = new Set<string>();
      for (let i = 0; i < 10; i++) versions.add((await rest(token, { routing_key: `k${i}` })).json.model_version);
      assert.equal(versions.size, 1, 'keys are ignored when the rollout is sticky per caller');
    }
  });

  test('a shadow gets a copy of the traffic; its answers are compared, never returned', async () => {
    await ann.deployments.put(model, { routes: [{ version: 1, weight: 100 }], shadow: { version: 3 } });
    for (let i = 0; i < 10; i++) assert.equal((await rest(rayToken)).json.model_version, '1');
    let d = await ann.deployments.get(model);
    for (let i = 0; i < 50 && (d.shadow?.compared ?? 0) < 10; i++) {
      await new Promise((r) => setTimeout(r, 50));
      d = await ann.deployments.get(model);
    }
    assert.equal(d.shadow?.version, 3);
    assert.equal(d.shadow?.compared, 10);
    assert.equal(d.shadow?.agreement, 1, 'the same weights give the same answers');
    assert.equal(d.shadow?.stats.requests, 10);
  });

  test('promote moves the alias in one call; roll back returns all traffic; both audited; readers cannot', async () => {
    await ann.deployments.put(model, {
      routes: [
        { version: 1, weight: 90 },
        { version: 2, weight: 10 },
      ],
    });
    const byRay = await call(t, 'POST', `/api/v1/models/${model}/deployment/promote`, { token: rayToken, json: {} });
    assert.equal(byRay.status, 403);
    await ann.deployments.promote(model);
    assert.equal((await ann.getModel(model)).aliases.champion, 2);
    assert.equal((await call(t, 'GET', `/api/v1/models/${model}/deployment`, { token: annToken })).status, 404);
    assert.equal((await rest(rayToken)).json.model_version, '2');

    await ann.deployments.put(model, {
      routes: [
        { version: 2, weight: 1 },
        { version: 3, weight: 99 },
      ],
    });
    await ann.deployments.rollback(model);
    assert.equal((await ann.getModel(model)).aliases.champion, 2);
    for (let i = 0; i < 5; i++) assert.equal((await rest(annToken, { routing_key: `z${i}` })).json.model_version, '2');
    const audit = await ann.myAudit();
    const actions = audit.map((e) => `${e.method} ${e.path}`);
    assert.ok(
      actions.some((a) => a.startsWith('POST /api/v1/models/ann/mood/deployment/promote')),
      actions.join('\n'),
    );
    assert.ok(actions.some((a) => a.startsWith('DELETE /api/v1/models/ann/mood/deployment')));
  });

  test('bad rollouts are refused with reasons', async () => {
    const put = (json: object) => call(t, 'PUT', `/api/v1/models/${model}/deployment`, { token: annToken, json });
    const cases: Array<[object, RegExp]> = [
      [{ routes: [{ version: 3, weight: 100 }] }, /keeps its version 2/],
      [
        {
          routes: [
            { version: 2, weight: 50 },
            { version: 9, weight: 50 },
          ],
        },
        /no version 9/,
      ],
      [{ routes: [{ version: 2, weight: 0 }] }, /weight above 0/],
      [{ alias: 'nobody', routes: [{ version: 2, weight: 1 }] }, /no alias "nobody"/],
    ];
    for (const [json, why] of cases) {
      const res = await put(json);
      assert.equal(res.status, 400, res.text);
      assert.match(res.json.detail, why);
    }
    assert.equal(
      (
        await call(t, 'PUT', `/api/v1/models/${model}/deployment`, {
          token: rayToken,
          json: { routes: [{ version: 2, weight: 1 }] },
        })
      ).status,
      403,
    );
  });
});
