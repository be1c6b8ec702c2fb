import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { verifySignature } from '../../packages/server/src/webhooks/webhook-signature.ts';
import { logisticRegressionModel } from '../fixtures/onnx-models.ts';
import { runCli } from '../harness/cli-process.ts';
import { http as call, startTestServer, type TestServer } from '../harness/test-server.ts';
import { until } from '../harness/until.ts';

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A receiver as an app would run one: records what came, answers with the statuses queued. */
function receiver() {
  const got: Received[] = [];
  const answers: number[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      got.push({ headers: req.headers, body });
      res.writeHead(answers.shift() ?? 200).end('ok');
    });
  });
  return { server, got, answers };
}

describe('webhooks: signed events through a durable outbox, retried, logged, replayable', () => {
  let t: TestServer;
  let annToken: string;
  let bobToken: string;
  const rx = receiver();
  let url = '';
  const secret = 'a-long-enough-shared-secret';
  let hookId = 0;

  before(async () => {
    t = await startTestServer({ webhooksAllowPrivate: true, webhookRetryBaseMs: 100 });
    await t.admin.createUser('ann', 'ann password 123');
    await t.admin.createUser('bob', 'bob password 123');
    annToken = (await t.client().login('ann', 'ann password 123')).token;
    bobToken = (await t.client().login('bob', 'bob password 123')).token;
    await t.client(annToken).createModel({ owner: 'ann', name: 'mood', task: 'classification', visibility: 'public' });
    await new Promise<void>((r) => rx.server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(rx.server.address() as AddressInfo).port}/hooks`;
  });
  after(async () => {
    await t.close();
    await new Promise((r) => rx.server.close(r));
  });

  const upload = () =>
    call(t, 'POST', '/api/v1/models/ann/mood/versions', {
      token: annToken,
      body: logisticRegressionModel().bytes,
      headers: { 'content-type': 'application/octet-stream' },
    });

  test('registering: owners (or their admins) only; the secret is never answered', async () => {
    const body = { owner: 'ann', url, events: ['model.version.created', 'discussion.comment'], secret };
    assert.equal((await call(t, 'POST', '/api/v1/webhooks', { token: bobToken, json: body })).status, 403);
    assert.equal(
      (await call(t, 'POST', '/api/v1/webhooks', { token: annToken, json: { ...body, events: ['model.exploded'] } }))
        .status,
      400,
    );
    assert.equal(
      (await call(t, 'POST', '/api/v1/webhooks', { token: annToken, json: { ...body, url: 'ftp://x/y' } })).status,
      400,
    );
    const made = await call(t, 'POST', '/api/v1/webhooks', { token: annToken, json: body });
    assert.equal(made.status, 201, made.text);
    assert.equal(made.json.secretSet, true);
    assert.doesNotMatch(made.text, new RegExp(secret));
    hookId = made.json.id;
    assert.equal((await call(t, 'GET', `/api/v1/webhooks/${hookId}`, { token: bobToken })).status, 404);
    assert.deepEqual(
      (await call(t, 'GET', '/api/v1/webhooks', { token: annToken })).json.webhooks.map((w: { id: number }) => w.id),
      [hookId],
    );
    const listed = await runCli(['webhooks', 'list'], { env: { MARQUEE_URL: t.url, MARQUEE_TOKEN: annToken } });
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(
      listed.stdout,
      new RegExp(
        `^${hookId} +ann +http://127\\.0\\.0\\.1:\\d+/hooks +model\\.version\\.created,discussion\\.comment`,
        'm',
      ),
    );
  });

  test('an event arrives signed; a failed answer is retried with backoff; the log shows every attempt', async () => {
    rx.answers.push(500);
    assert.equal((await upload()).status, 201);
    await until('two attempts', () => rx.got.length >= 2 || undefined);
    const [first, second] = rx.got as [Received, Received];
    assert.equal(first.body, second.body, 'a retry sends the same bytes');
    assert.equal(second.headers['marquee-event'], 'model.version.created');
    const signature = String(second.headers['marquee-signature']);
    assert.equal(verifySignature(secret, second.body, signature), true, 'verified as a receiver would');
    assert.equal(verifySignature('another-secret-entirely', second.body, signature), false);
    assert.equal(verifySignature(secret, `${second.body} `, signature), false, 'a changed body fails');
    const payload = JSON.parse(second.body);
    assert.equal(payload.event, 'model.version.created');
    assert.deepEqual([payload.data.model, payload.data.version, payload.data.by], ['ann/mood', 1, 'ann']);

    const log = await until('the delivery to be marked', async () => {
      const d = (await call(t, 'GET', `/api/v1/webhooks/${hookId}/deliveries`, { token: annToken })).json.deliveries;
      return d[0]?.state === 'delivered' ? d : undefined;
    });
    assert.equal(log[0].attempts, 2);
    assert.equal(log[0].lastStatus, 200);

    const replayed = await call(t, 'POST', `/api/v1/webhooks/${hookId}/deliveries/${log[0].id}/replay`, {
      token: annToken,
    });
    assert.equal(replayed.status, 202);
    await until('the replay', () => rx.got.length >= 3 || undefined);
    assert.equal(rx.got[2]?.headers['marquee-delivery'], String(log[0].id));
  });

  test('other events: a discussion comment', async () => {
    const before = rx.got.length;
    const opened = await call(t, 'POST', '/api/v1/models/ann/mood/discussions', {
      token: bobToken,
      json: { title: 'Threshold?', body: 'Which threshold is the label at?' },
    });
    assert.equal(opened.status, 201);
    const got = await until('the comment event', () =>
      rx.got.slice(before).find((r) => r.headers['marquee-event'] === 'discussion.comment'),
    );
    assert.equal(JSON.parse(got.body).data.by, 'bob');
  });

  test('what is queued survives a restart, and is sent when the receiver is back', async () => {
    const port = (rx.server.address() as AddressInfo).port;
    await new Promise((r) => rx.server.close(r));
    assert.equal((await upload()).status, 201);
    await until('a failed attempt', async () => {
      const d = (await call(t, 'GET', `/api/v1/webhooks/${hookId}/deliveries`, { token: annToken })).json.deliveries;
      return d[0]?.attempts >= 1 && d[0]?.state === 'pending' ? true : undefined;
    });
    await t.restart();
    const count = rx.got.length;
    await new Promise<void>((r) => rx.server.listen(port, '127.0.0.1', r));
    const got = await until('the queued delivery', () => (rx.got.length > count ? rx.got.at(-1) : undefined));
    assert.equal(JSON.parse(got.body).data.version, 2);
  });

  test('without the flag, loopback and private targets are refused', async () => {
    const strict = await startTestServer();
    try {
      const r = await call(strict, 'POST', '/api/v1/webhooks', {
        token: strict.adminToken,
        json: { owner: 'admin', url: 'http://127.0.0.1:9/x', events: ['training.failed'], secret },
      });
      assert.equal(r.status, 400);
      assert.match(r.json.detail, /loopback or private networks are refused/);
      const lan = await call(strict, 'POST', '/api/v1/webhooks', {
        token: strict.adminToken,
        json: { owner: 'admin', url: 'http://192.168.1.20/x', events: ['training.failed'], secret },
      });
      assert.equal(lan.status, 400);
    } finally {
      await strict.close();
    }
  });
});
