import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { MarqueeClient } from '@marquee/client';
import { runCli } from '../harness/cli-process.ts';
import { labelledBreastCancer } from '../harness/datasets.ts';
import { http as call, startTestServer, type TestServer } from '../harness/test-server.ts';

/**
 * Change proposals end to end: an org's model with evaluation data and a protected
 * champion; a weaker candidate from a training job and an equal one from an outsider's
 * fork, each evaluated side by side; merges refused and allowed by the rule.
 */
describe('change proposals: side-by-side evaluation, protected aliases, merge', () => {
  let t: TestServer;
  let ann: MarqueeClient; // studio admin
  let wes: MarqueeClient; // studio write member
  let rae: MarqueeClient; // studio read member
  let bo: MarqueeClient; // outsider
  const tokens: Record<string, string> = {};
  const events: Array<{ event: string; body: Record<string, unknown> }> = [];
  const receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      events.push({ event: String(req.headers['marquee-event']), body: JSON.parse(body) });
      res.writeHead(200).end();
    });
  });
  const model = 'studio/cancer';
  let championAccuracy = 0;

  before(async () => {
    t = await startTestServer({ jobConcurrency: 1, webhooksAllowPrivate: true, webhookRetryBaseMs: 100 });
    const users: Record<string, MarqueeClient> = {};
    for (const name of ['ann', 'wes', 'rae', 'bo']) {
      await t.admin.createUser(name, `${name} password 123`);
      users[name] = t.client();
      tokens[name] = (await (users[name] as MarqueeClient).login(name, `${name} password 123`)).token;
    }
    ({ ann, wes, rae, bo } = users as Record<'ann' | 'wes' | 'rae' | 'bo', MarqueeClient>);
    await ann.createOrg('studio');
    await ann.setMember('studio', 'wes', 'write');
    await ann.setMember('studio', 'rae', 'read');
    await ann.createDataset({ owner: 'studio', name: 'cancer-data', visibility: 'internal' });
    await ann.uploadDatasetVersion('studio/cancer-data', labelledBreastCancer(), 'csv');
    await ann.createModel({ owner: 'studio', name: 'cancer', task: 'classification', visibility: 'public' });
    const job = await ann.train({
      model,
      dataset: 'studio/cancer-data@1',
      task: 'classification',
      algorithm: 'logistic-regression',
      target: 'diagnosis',
      split: { testFraction: 0.2 },
      seed: 0,
    });
    const done = await ann.followJob(job.id);
    assert.equal(done.state, 'succeeded', done.error ?? '');
    championAccuracy = (done.result as { metrics: { accuracy: number } }).metrics.accuracy;
    await ann.setAlias(model, 'champion', 1);
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
    await ann.createWebhook({
      owner: 'studio',
      url,
      events: ['proposal.opened', 'proposal.evaluated', 'proposal.merged'],
      secret: 'a-long-enough-shared-secret',
    });
  });
  after(async () => {
    await t.close();
    await new Promise((r) => receiver.close(r));
  });

  test('a model without evaluation data answers 422 saying so; only its admins set the data and protect aliases', async () => {
    const res = await call(t, 'POST', `/api/v1/models/${model}/proposals`, {
      token: tokens.wes,
      json: { title: 'try', source: { version: 1 } },
    });
    assert.equal(res.status, 422, res.text);
    assert.match(res.json.detail, /no evaluation data.*PUT \/api\/v1\/models\/studio\/cancer\/evaluation/);
    const settings = { dataset: 'studio/cancer-data', target: 'diagnosis', split: { testFraction: 0.2, seed: 0 } };
    const byWriter = await call(t, 'PUT', `/api/v1/models/${model}/evaluation`, { token: tokens.wes, json: settings });
    assert.equal(byWriter.status, 403, 'a writer is not an admin');
    const bad = await call(t, 'PUT', `/api/v1/models/${model}/evaluation`, {
      token: tokens.ann,
      json: { ...settings, target: 'nope' },
    });
    assert.equal(bad.status, 400);
    assert.match(bad.json.detail, /no column "nope"/);
    const set = await ann.proposals.setEvaluation(model, settings);
    assert.equal(set.evaluation?.dataset, 'studio/cancer-data@1', 'the latest version is pinned');
    const badRule = await call(t, 'PUT', `/api/v1/models/${model}/aliases/champion/protection`, {
      token: tokens.ann,
      json: { metric: 'rmse', tolerance: 0.1 },
    });
    assert.equal(badRule.status, 400);
    assert.match(badRule.json.detail, /accuracy, macroF1/);
    const protectedModel = await ann.proposals.protect(model, 'champion', { metric: 'accuracy', tolerance: 0.02 });
    assert.deepEqual(protectedModel.protectedAliases, { champion: { metric: 'accuracy', tolerance: 0.02 } });
  });

  test('a protected alias does not move directly: 403 explaining how it moves', async () => {
    for (const [method, json] of [
      ['PUT', { version: 1 }],
      ['DELETE', undefined],
    ] as const) {
      const res = await call(t, method, `/api/v1/models/${model}/aliases/champion`, {
        token: tokens.ann,
        ...(json && { json }),
      });
      assert.equal(res.status, 403, res.text);
      assert.match(
        res.json.detail,
        /protected.*merging a change proposal.*accuracy.*0\.02.*POST \/api\/v1\/models\/studio\/cancer\/proposals/,
      );
    }
    // Other aliases move as before.
    await wes.setAlias(model, 'challenger', 1);
  });

  test('a weaker candidate from a training job is evaluated side by side and its merge is refused by the rule', async () => {
    const job = await wes.train({
      model,
      dataset: 'studio/cancer-data@1',
      task: 'classification',
      algorithm: 'logistic-regression',
      target: 'diagnosis',
      features: ['mean smoothness', 'mean symmetry'],
      split: { testFraction: 0.2 },
      seed: 0,
    });
    const opened = await wes.proposals.open(model, {
      title: 'A two-feature model',
      description: 'Cheaper to serve.',
      source: { job: job.id },
    });
    assert.ok(['waiting', 'evaluating'].includes(opened.state), opened.state);
    assert.equal(opened.number, 1);
    const p = await wes.proposals.settled(model, 1);
    assert.equal(p.state, 'evaluated', p.error ?? '');
    assert.deepEqual(p.candidate, { model, version: 2 });
    const r = p.report;
    assert.ok(r);
    assert.deepEqual(r.baseline && [r.baseline.model, r.baseline.version], [model, 1]);
    assert.equal(r.dataset, 'studio/cancer-data@1');
    const nTest = (await ann.getVersion(model, 1)).details?.nTest;
    assert.equal(r.comparison.rows, nTest, 'the rows training held out');
    const acc = r.comparison.metrics.accuracy;
    assert.ok(acc && acc.baseline !== null && acc.difference !== null && acc.interval);
    // The same held-out rows training used: the champion scores what its training measured.
    assert.ok(Math.abs(acc.baseline - championAccuracy) < 1e-9, `${acc.baseline} vs ${championAccuracy}`);
    assert.ok(Math.abs(acc.difference - (acc.candidate - acc.baseline)) < 1e-12);
    assert.ok(acc.difference < -0.05, `two weak features should lose clearly: ${acc.difference}`);
    assert.ok(acc.interval.low <= acc.difference && acc.difference <= acc.interval.high);
    assert.ok(acc.interval.high < 0, 'the interval excludes no change');
    const m = r.comparison.mcnemar;
    assert.ok(m);
    // McNemar's counts are the rows exactly one side got right: their difference is the accuracy gap.
    assert.equal(m.candidateOnlyRight - m.baselineOnlyRight, Math.round(acc.difference * r.comparison.rows));
    assert.ok(m.pValue < 0.05);
    assert.ok(r.comparison.agreement !== null && r.comparison.agreement > 0.5 && r.comparison.agreement < 1);
    assert.ok(r.latencyMs.baseline && r.latencyMs.candidate.samples === 50);
    assert.ok(r.candidate.sizeBytes > 0 && (r.baseline?.sizeBytes ?? 0) > 0);
    assert.equal(r.rule?.passed, false);
    assert.match(r.rule?.reason ?? '', /accuracy .* worse by .* more than the allowed 0\.02/);

    const merge = await call(t, 'POST', `/api/v1/models/${model}/proposals/1/merge`, { token: tokens.wes });
    assert.equal(merge.status, 403, merge.text);
    assert.match(merge.json.detail, /protected.*did not pass its rule/);
    assert.equal((await ann.getModel(model)).aliases.champion, 1);
  });

  test("an outsider proposes from a fork; readers cannot merge; a writer's merge imports the version and moves the alias", async () => {
    await bo.fork('models', model, { owner: 'bo', name: 'cancer' });
    const elsewhere = await call(t, 'POST', `/api/v1/models/${model}/proposals`, {
      token: tokens.bo,
      json: { title: 'x', source: { model: 'bo/elsewhere', version: 1 } },
    });
    assert.equal(elsewhere.status, 404);
    const notFork = await call(t, 'POST', `/api/v1/models/${model}/proposals`, {
      token: tokens.bo,
      json: { title: 'x', source: { model: 'studio/cancer', version: 9 } },
    });
    assert.equal(notFork.status, 404, 'no such version');

    // The same artifact as the champion: nothing changes, and the report says so.
    const same = await bo.proposals.open(model, { title: 'Unchanged', source: { model: 'bo/cancer', version: 1 } });
    const sameDone = await bo.proposals.settled(model, same.number);
    assert.equal(sameDone.state, 'evaluated', sameDone.error ?? '');
    assert.equal(sameDone.report?.comparison.metrics.accuracy?.difference, 0);
    assert.deepEqual(
      [
        sameDone.report?.comparison.metrics.accuracy?.interval?.low,
        sameDone.report?.comparison.metrics.accuracy?.interval?.high,
      ],
      [0, 0],
    );
    assert.equal(sameDone.report?.comparison.agreement, 1);
    assert.equal(sameDone.report?.comparison.mcnemar?.pValue, 1);
    await wes.proposals.setState(model, same.number, 'closed');

    // bo retrains in the fork on his own copy of the data, with another split.
    await bo.createDataset({ owner: 'bo', name: 'cancer-copy', visibility: 'private' });
    await bo.uploadDatasetVersion('bo/cancer-copy', labelledBreastCancer(), 'csv');
    const retrain = await bo.train({
      model: 'bo/cancer',
      dataset: 'bo/cancer-copy@1',
      task: 'classification',
      algorithm: 'logistic-regression',
      target: 'diagnosis',
      split: { testFraction: 0.1 },
      seed: 1,
    });
    assert.equal((await bo.followJob(retrain.id)).state, 'succeeded');
    const p = await bo.proposals.open(model, {
      title: 'Retrained in my fork',
      source: { model: 'bo/cancer', version: 3 },
    });
    const done = await bo.proposals.settled(model, p.number);
    assert.equal(done.state, 'evaluated', done.error ?? '');
    assert.equal(done.report?.rule?.passed, true, done.report?.rule?.reason);

    for (const who of ['rae', 'bo']) {
      const res = await call(t, 'POST', `/api/v1/models/${model}/proposals/${p.number}/merge`, { token: tokens[who] });
      assert.equal(res.status, 403, `${who}: ${res.text}`);
    }
    const merged = await wes.proposals.merge(model, p.number);
    assert.equal(merged.state, 'merged');
    assert.equal(merged.merged?.by, 'wes');
    assert.equal(merged.merged?.version, 3, "the fork's version is imported as the next version");
    const after = await ann.getModel(model);
    assert.equal(after.aliases.champion, 3);
    const [fromFork, v3] = await Promise.all([bo.getVersion('bo/cancer', 3), ann.getVersion(model, 3)]);
    assert.equal(v3.sha256, fromFork.sha256, 'the same artifact, not a copy');
    const again = await call(t, 'POST', `/api/v1/models/${model}/proposals/${p.number}/merge`, { token: tokens.wes });
    assert.equal(again.status, 409);
    // Proposal 1 was evaluated against version 1; the champion moved, so it must be evaluated again.
    const stale = await call(t, 'POST', `/api/v1/models/${model}/proposals/1/merge`, { token: tokens.ann });
    assert.equal(stale.status, 409);
    assert.match(stale.json.detail, /evaluate it again/);
  });

  test('proposals follow the model: listed to readers, hidden with a private model; close is the author’s or a writer’s', async () => {
    const list = await rae.proposals.list(model);
    assert.deepEqual(
      list.map((p) => [p.number, p.state]),
      [
        [3, 'merged'],
        [2, 'closed'],
        [1, 'evaluated'],
      ],
    );
    assert.equal(
      (await call(t, 'PATCH', `/api/v1/models/${model}/proposals/1`, { token: tokens.rae, json: { state: 'closed' } }))
        .status,
      403,
    );
    assert.equal((await wes.proposals.setState(model, 1, 'closed')).state, 'closed');
    await ann.updateModel(model, { visibility: 'private' });
    assert.equal((await call(t, 'GET', `/api/v1/models/${model}/proposals`, { token: tokens.bo })).status, 404);
    assert.equal((await call(t, 'GET', `/api/v1/models/${model}/proposals/3`, { token: tokens.bo })).status, 404);
    assert.equal(
      (await call(t, 'GET', `/api/v1/models/${model}/proposals/3`, { token: tokens.rae })).status,
      404,
      'private: admins and collaborators',
    );
    await ann.updateModel(model, { visibility: 'public' });
  });

  test('the CLI opens, shows and merges proposals, and prints the report side by side', async () => {
    const env = { MARQUEE_URL: t.url, MARQUEE_TOKEN: tokens.wes as string };
    const shown = await runCli(['proposals', 'show', model, '1'], { env });
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /#1 A two-feature model — closed/);
    assert.match(shown.stdout, /METRIC\s+CURRENT\s+CANDIDATE\s+DIFFERENCE\s+95% INTERVAL/);
    assert.match(shown.stdout, /accuracy\s+0\.\d{4}\s+0\.\d{4}\s+-0\.\d{4}\s+\[-0\.\d{4}, -0\.\d{4}\]/);
    assert.match(shown.stdout, /McNemar: .* p = /);
    assert.match(shown.stdout, /rule on "champion": NOT passed/);
    const listed = await runCli(['proposals', 'list', model], { env });
    assert.match(listed.stdout, /3\s+Retrained in my fork\s+merged\s+bo/);
    const opened = await runCli(['proposals', 'open', model, '--title', 'Back to v1', '--version', '1', '--wait'], {
      env,
    });
    assert.equal(opened.code, 0, opened.stderr);
    assert.match(opened.stdout, /#4 Back to v1 — evaluated/);
    const merged = await runCli(['proposals', 'merge', model, '4'], { env });
    assert.equal(merged.code, 0, merged.stderr);
    assert.match(merged.stdout, /merged #4: "champion" of studio\/cancer → version 1/);
    const missing = await runCli(['proposals', 'open', model, '--title', 'x'], { env });
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /--version N .* --from .* --job ID/);
  });

  test('on a protected alias a canary starts only from a merge, and only that canary is promoted', async () => {
    const direct = await call(t, 'PUT', `/api/v1/models/${model}/deployment`, {
      token: tokens.ann,
      json: {
        routes: [
          { version: 1, weight: 90 },
          { version: 3, weight: 10 },
        ],
      },
    });
    assert.equal(direct.status, 403, direct.text);
    assert.match(direct.json.detail, /protected.*starts only from a merged proposal/);
    const p = await wes.proposals.open(model, { title: 'Canary v3', source: { version: 3 } });
    assert.equal((await wes.proposals.settled(model, p.number)).state, 'evaluated');
    const merged = await call(t, 'POST', `/api/v1/models/${model}/proposals/${p.number}/merge`, {
      token: tokens.wes,
      json: { canary: { weight: 10 } },
    });
    assert.equal(merged.status, 200, merged.text);
    assert.equal(merged.json.state, 'merged');
    const d = await wes.deployments.get(model);
    assert.deepEqual(
      d.routes.map((r) => [r.version, r.weight]),
      [
        [1, 90],
        [3, 10],
      ],
    );
    assert.equal(d.proposal, p.number);
    assert.equal((await ann.getModel(model)).aliases.champion, 1, 'the alias stays until the canary is promoted');
    await wes.deployments.promote(model);
    assert.equal((await ann.getModel(model)).aliases.champion, 3);
  });

  test('webhooks carry proposal.opened, proposal.evaluated and proposal.merged', async () => {
    const end = Date.now() + 15_000;
    while (!events.some((e) => e.event === 'proposal.merged') && Date.now() < end)
      await new Promise((r) => setTimeout(r, 50));
    const names = events.map((e) => `${e.event}#${(e.body.data as { proposal: number }).proposal}`);
    for (const want of [
      'proposal.opened#1',
      'proposal.evaluated#1',
      'proposal.opened#3',
      'proposal.evaluated#3',
      'proposal.merged#3',
    ])
      assert.ok(names.includes(want), `${want} in ${names.join(', ')}`);
    const merged = events.find((e) => e.event === 'proposal.merged');
    assert.equal((merged?.body.data as { by?: string } | undefined)?.by, 'wes');
  });
});
