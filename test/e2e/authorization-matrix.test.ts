import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { logisticRegressionModel } from '../fixtures/onnx-models.ts';
import { grpcCall, grpcClient, http, startTestServer, type TestServer } from '../harness/test-server.ts';

/**
 * Every actor × resource × action, asserted cell by cell against the rule written out
 * here independently of the server's code: what a caller may not see answers 404 and
 * never appears in a listing; what they may see but not change answers 403.
 */
type Role = 'read' | 'write' | 'admin' | null;
type Vis = 'public' | 'internal' | 'private';

interface Actor {
  name: string;
  token?: string;
  /** The role the rule gives on a resource of each visibility (collaborator on the private one). */
  role: Record<Vis, Role>;
  scopes: { read: boolean; write: boolean; predict: boolean };
  /** An expired token: 401 whatever is asked. */
  expired?: boolean;
}

const ALL = { read: true, write: true, predict: true };
const CARD = `---
license: mit
language: [en]
tags: [matrix]
task: classification
---
# A model for the matrix

Tells two classes apart from twenty numbers.

## Intended use

Testing who may see what.

## Training data

None: a closed-form logistic regression.

## Limitations

Twenty features only.
`;
const VIS: Vis[] = ['public', 'internal', 'private'];
const rank = (r: Role) => (r === 'admin' ? 3 : r === 'write' ? 2 : r === 'read' ? 1 : 0);

describe('authorisation matrix: actors × resources × actions', () => {
  let t: TestServer;
  const actors: Actor[] = [];
  const jobs: Record<string, string> = {};
  const input = { inputs: [{ name: 'input-0', datatype: 'FP32', shape: [1, 20], data: new Array(20).fill(0.5) }] };

  before(async () => {
    // Every writer's publish and proposal queues a job: no concurrent-jobs quota in the way.
    t = await startTestServer({ quotaConcurrentJobs: 0 });
    const tokens: Record<string, string> = {};
    for (const u of ['owner', 'reader', 'writer', 'collab', 'outsider']) {
      await t.admin.createUser(u, `${u} password 123`);
      tokens[u] = (await t.client().login(u, `${u} password 123`)).token;
    }
    const owner = t.client(tokens.owner);
    await owner.createOrg('studio');
    await owner.createOrg('elsewhere');
    await owner.setMember('studio', 'reader', 'read');
    await owner.setMember('studio', 'writer', 'write');
    for (const v of VIS) {
      await owner.createModel({ owner: 'studio', name: `m-${v}`, task: 'classification', visibility: v });
      await owner.uploadVersion(`studio/m-${v}`, logisticRegressionModel().bytes);
    }
    await owner.setCollaborator('models', 'studio/m-private', 'collab', 'read');
    for (const v of VIS) {
      await owner.createDataset({ owner: 'studio', name: `d-${v}`, visibility: v });
      await owner.uploadDatasetVersion(`studio/d-${v}`, new TextEncoder().encode('a,b\n1,2\n'), 'csv');
    }
    await owner.setCollaborator('datasets', 'studio/d-private', 'collab', 'read');
    // Each model is published (a listing searchable by those who may see it), its quality
    // gate measuring it on rows labelled by the model's own closed form.
    const { coef, intercept } = logisticRegressionModel();
    const header = [...Array.from({ length: 20 }, (_, j) => `f${j}`), 'target'].join(',');
    const rows = Array.from({ length: 40 }, (_, i) => {
      const x = Array.from({ length: 20 }, (_, j) => Math.sin(i * 7 + j * 3));
      const z = x.reduce((acc, v, j) => acc + v * (coef[j] as number), intercept);
      return [...x.map((v) => v.toFixed(6)), z > 0 ? 1 : 0].join(',');
    });
    await owner.createDataset({ owner: 'studio', name: 'eval-data', visibility: 'public' });
    await owner.uploadDatasetVersion(
      'studio/eval-data',
      new TextEncoder().encode(`${header}\n${rows.join('\n')}\n`),
      'csv',
    );
    for (const v of VIS) {
      await owner.putCard(`studio/m-${v}`, CARD);
      const job = await owner.publish(`studio/m-${v}`, 1, { dataset: 'studio/eval-data@1', target: 'target' });
      const done = await owner.followJob(job.id);
      assert.equal((done.result as { passed?: boolean }).passed, true, JSON.stringify(done.result));
    }
    // A job and a proposal on each model: the org admin's.
    for (const v of VIS) {
      const job = await owner.train({
        model: `studio/m-${v}`,
        dataset: `studio/d-${v}@1`,
        task: 'regression',
        algorithm: 'linear-regression',
        target: 'b',
      });
      jobs[v] = job.id;
      await owner.proposals.setEvaluation(`studio/m-${v}`, { dataset: `studio/d-${v}@1`, target: 'b', split: 'all' });
      await owner.proposals.open(`studio/m-${v}`, { title: 'the admin’s', source: { version: 1 } });
    }
    const writerPredictOnly = (await t.client(tokens.writer).createToken({ name: 'p', scopes: ['predict'] })).token;
    const expired = (
      await t.client(tokens.owner).createToken({
        name: 'soon',
        scopes: ['read'],
        expiresAt: new Date(Date.now() + 1_500).toISOString(),
      })
    ).token;
    const elsewhere = (
      await t
        .client(tokens.owner)
        .createToken({ name: 'e', scopes: ['read', 'write', 'predict'], limitTo: { org: 'elsewhere' } })
    ).token;
    const none = { public: null, internal: null, private: null } as const;
    actors.push(
      { name: 'anonymous', role: { ...none, public: 'read' }, scopes: { read: true, write: false, predict: false } },
      { name: 'outsider', token: tokens.outsider, role: { ...none, public: 'read' }, scopes: ALL },
      {
        name: 'org reader',
        token: tokens.reader,
        role: { public: 'read', internal: 'read', private: null },
        scopes: ALL,
      },
      {
        name: 'org writer',
        token: tokens.writer,
        role: { public: 'write', internal: 'write', private: null },
        scopes: ALL,
      },
      {
        name: 'org admin',
        token: tokens.owner,
        role: { public: 'admin', internal: 'admin', private: 'admin' },
        scopes: ALL,
      },
      {
        name: 'collaborator',
        token: tokens.collab,
        role: { public: 'read', internal: null, private: 'read' },
        scopes: ALL,
      },
      {
        name: 'site admin',
        token: t.adminToken,
        role: { public: 'admin', internal: 'admin', private: 'admin' },
        scopes: ALL,
      },
      {
        name: 'predict-only token',
        token: writerPredictOnly,
        role: { public: 'write', internal: 'write', private: null },
        scopes: { read: false, write: false, predict: true },
      },
      { name: 'token limited to another org', token: elsewhere, role: none, scopes: ALL },
      { name: 'expired token', token: expired, role: none, scopes: ALL, expired: true },
    );
    await new Promise((r) => setTimeout(r, 1_600));
  });
  after(() => t.close());

  /** The status the rule says an HTTP action answers. */
  function expected(a: Actor, v: Vis, action: 'see' | 'predict' | 'write'): number {
    if (a.expired) return 401;
    const role = a.role[v];
    if (action === 'predict') {
      if (!a.token) return 401;
      if (!a.scopes.predict) return 403;
      return role ? 200 : 404;
    }
    if (action === 'see') {
      if (a.token && !a.scopes.read) return 403;
      return role ? 200 : 404;
    }
    if (!a.token) return 401;
    if (!a.scopes.write) return 403;
    if (!role) return 404;
    return rank(role) >= rank('write') ? 200 : 403;
  }

  test('see, list, predict over REST, write: every cell', async () => {
    const failures: string[] = [];
    const check = (cell: string, got: number, want: number) => {
      if (got !== want) failures.push(`${cell}: ${got}, want ${want}`);
    };
    for (const a of actors) {
      const listed = await http(t, 'GET', '/api/v1/models?owner=studio', { ...(a.token && { token: a.token }) });
      for (const v of VIS) {
        const model = `studio/m-${v}`;
        const see = await http(t, 'GET', `/api/v1/models/${model}`, { ...(a.token && { token: a.token }) });
        check(`${a.name} sees ${v}`, see.status, expected(a, v, 'see'));
        if (listed.status === 200) {
          const inList = listed.json.items.some((m: { fullName: string }) => m.fullName === model);
          check(`${a.name} lists ${v}`, inList ? 200 : 404, a.role[v] ? 200 : 404);
        } else check(`${a.name} lists`, listed.status, expected(a, v, 'see'));
        const infer = await http(t, 'POST', `/v2/models/studio.m-${v}/infer`, {
          ...(a.token && { token: a.token }),
          json: input,
        });
        check(`${a.name} predicts (REST) ${v}`, infer.status, expected(a, v, 'predict'));
        const write = await http(t, 'PATCH', `/api/v1/models/${model}`, {
          ...(a.token && { token: a.token }),
          json: { description: `touched by ${a.name}` },
        });
        check(`${a.name} writes ${v}`, write.status, expected(a, v, 'write'));
      }
    }
    assert.deepEqual(failures, [], failures.join('\n'));
  });

  test('datasets: see, list, preview, write — the same rule', async () => {
    const failures: string[] = [];
    const check = (cell: string, got: number, want: number) => {
      if (got !== want) failures.push(`${cell}: ${got}, want ${want}`);
    };
    for (const a of actors) {
      const auth = { ...(a.token && { token: a.token }) };
      const listed = await http(t, 'GET', '/api/v1/datasets?owner=studio', auth);
      for (const v of VIS) {
        const ds = `studio/d-${v}`;
        check(
          `${a.name} sees dataset ${v}`,
          (await http(t, 'GET', `/api/v1/datasets/${ds}`, auth)).status,
          expected(a, v, 'see'),
        );
        check(
          `${a.name} previews dataset ${v}`,
          (await http(t, 'GET', `/api/v1/datasets/${ds}/versions/1/preview`, auth)).status,
          expected(a, v, 'see'),
        );
        if (listed.status === 200) {
          const inList = listed.json.items.some((d: { fullName: string }) => d.fullName === ds);
          check(`${a.name} lists dataset ${v}`, inList ? 200 : 404, a.role[v] ? 200 : 404);
        } else check(`${a.name} lists datasets`, listed.status, expected(a, v, 'see'));
        const write = await http(t, 'PATCH', `/api/v1/datasets/${ds}`, { ...auth, json: { description: a.name } });
        check(`${a.name} writes dataset ${v}`, write.status, expected(a, v, 'write'));
      }
    }
    assert.deepEqual(failures, [], failures.join('\n'));
  });

  test('discussions, the audit log and webhooks follow the same rule', async () => {
    const failures: string[] = [];
    const check = (cell: string, got: number, want: number) => {
      if (got !== want) failures.push(`${cell}: ${got}, want ${want}`);
    };
    const orgAdmin = (a: Actor) => a.name === 'org admin' || a.name === 'site admin';
    for (const a of actors) {
      const auth = { ...(a.token && { token: a.token }) };
      for (const v of VIS) {
        const base = `/api/v1/models/studio/m-${v}/discussions`;
        check(`${a.name} reads discussions on ${v}`, (await http(t, 'GET', base, auth)).status, expected(a, v, 'see'));
        // Opening a thread needs only to see the model, and a token that may write.
        let want = expected(a, v, 'see');
        if (want === 200 || (want === 403 && a.token)) want = !a.token ? 401 : !a.scopes.write ? 403 : want;
        if (!a.token && !a.expired) want = 401;
        check(
          `${a.name} opens a discussion on ${v}`,
          (await http(t, 'POST', base, { ...auth, json: { title: 'hi', body: 'a question' } })).status,
          want === 200 ? 201 : want,
        );
      }
      const audit = await http(t, 'GET', '/api/v1/orgs/studio/audit', auth);
      check(
        `${a.name} reads the org's audit log`,
        audit.status,
        a.expired || !a.token ? 401 : !a.scopes.read ? 403 : orgAdmin(a) ? 200 : 403,
      );
      const hook = await http(t, 'POST', '/api/v1/webhooks', {
        ...auth,
        json: {
          owner: 'studio',
          url: 'https://93.184.216.34/hooks',
          events: ['training.failed'],
          secret: 'sixteen-characters!',
        },
      });
      check(
        `${a.name} adds a webhook for the org`,
        hook.status,
        a.expired || !a.token ? 401 : !a.scopes.write ? 403 : orgAdmin(a) ? 201 : 403,
      );
    }
    assert.deepEqual(failures, [], failures.join('\n'));
  });

  test('jobs: seen by their creator and the writers of what they write; proposals follow the model', async () => {
    const failures: string[] = [];
    const check = (cell: string, got: number, want: number | number[]) => {
      if (!(Array.isArray(want) ? want : [want]).includes(got)) failures.push(`${cell}: ${got}, want ${want}`);
    };
    // Writers of the target (and its creator, the org admin, and site admins) see a job; nobody else knows it exists.
    const jobRule = (a: Actor, v: Vis, scope: 'read' | 'write'): number => {
      if (a.expired || !a.token) return 401;
      if (!a.scopes[scope]) return 403;
      return rank(a.role[v]) >= rank('write') ? 200 : 404;
    };
    for (const a of actors) {
      const auth = { ...(a.token && { token: a.token }) };
      const listed = await http(t, 'GET', '/api/v1/training-jobs', auth);
      for (const v of VIS) {
        const id = jobs[v] as string;
        check(
          `${a.name} sees the job on ${v}`,
          (await http(t, 'GET', `/api/v1/training-jobs/${id}`, auth)).status,
          jobRule(a, v, 'read'),
        );
        if (listed.status === 200) {
          const inList = listed.json.jobs.some((j: { id: string }) => j.id === id);
          check(`${a.name} lists the job on ${v}`, inList ? 200 : 404, jobRule(a, v, 'read'));
        } else check(`${a.name} lists jobs`, listed.status, jobRule(a, v, 'read'));
        const cancel = await http(t, 'POST', `/api/v1/training-jobs/${id}/cancel`, auth);
        const want = jobRule(a, v, 'write');
        // A job that has ended already answers 409 to those who may cancel it.
        check(`${a.name} cancels the job on ${v}`, cancel.status, want === 200 ? [200, 409] : want);

        const base = `/api/v1/models/studio/m-${v}/proposals`;
        check(`${a.name} reads proposals on ${v}`, (await http(t, 'GET', base, auth)).status, expected(a, v, 'see'));
        check(
          `${a.name} reads proposal 1 on ${v}`,
          (await http(t, 'GET', `${base}/1`, auth)).status,
          expected(a, v, 'see'),
        );
        let propose = expected(a, v, 'see');
        if (propose === 200 && !a.scopes.write) propose = 403;
        if (!a.token) propose = 401;
        check(
          `${a.name} proposes on ${v}`,
          (await http(t, 'POST', base, { ...auth, json: { title: 'mine', source: { version: 1 } } })).status,
          propose === 200 ? 201 : propose,
        );
        // Merging is a writer's; the admin's proposal is not evaluated (its evaluation fails), so writers get 409.
        const merge = await http(t, 'POST', `${base}/1/merge`, auth);
        const mergeWant = expected(a, v, 'write');
        check(`${a.name} merges on ${v}`, merge.status, mergeWant === 200 ? 409 : mergeWant);
      }
    }
    assert.deepEqual(failures, [], failures.join('\n'));
  });

  test('search and publish: listings only to those who may see them; publishing is a writer’s', async () => {
    const failures: string[] = [];
    const check = (cell: string, got: number, want: number) => {
      if (got !== want) failures.push(`${cell}: ${got}, want ${want}`);
    };
    for (const a of actors) {
      const auth = { ...(a.token && { token: a.token }) };
      const found = await http(t, 'GET', '/api/v1/market/search?q=matrix&owner=studio', auth);
      for (const v of VIS) {
        const model = `studio/m-${v}`;
        if (found.status === 200) {
          const listed = found.json.items.some((m: { model: string }) => m.model === model);
          check(`${a.name} finds ${v} in search`, listed ? 200 : 404, a.role[v] ? 200 : 404);
        } else check(`${a.name} searches`, found.status, expected(a, v, 'see'));
        const publish = await http(t, 'POST', `/api/v1/models/${model}/publish`, { ...auth, json: { version: 1 } });
        const want = expected(a, v, 'write');
        check(`${a.name} publishes ${v}`, publish.status, want === 200 ? 202 : want);
      }
    }
    assert.deepEqual(failures, [], failures.join('\n'));
  });

  test('predict over gRPC answers the same cells with gRPC codes', async () => {
    const code: Record<number, grpc.status> = {
      200: grpc.status.OK,
      401: grpc.status.UNAUTHENTICATED,
      403: grpc.status.PERMISSION_DENIED,
      404: grpc.status.NOT_FOUND,
    };
    const client = grpcClient(t.grpcPort);
    const failures: string[] = [];
    try {
      for (const a of actors) {
        for (const v of VIS) {
          const raw = new Float32Array(20).fill(0.5);
          let got: grpc.status = grpc.status.OK;
          try {
            await grpcCall(
              client,
              'ModelInfer',
              {
                model_name: `studio.m-${v}`,
                inputs: [{ name: 'input-0', datatype: 'FP32', shape: [1, 20] }],
                raw_input_contents: [Buffer.from(raw.buffer)],
              },
              a.token,
            );
          } catch (err) {
            got = (err as grpc.ServiceError).code;
          }
          const want = code[expected(a, v, 'predict')];
          if (got !== want)
            failures.push(
              `${a.name} predicts (gRPC) ${v}: ${grpc.status[got]}, want ${grpc.status[want as grpc.status]}`,
            );
        }
      }
    } finally {
      client.close();
    }
    assert.deepEqual(failures, [], failures.join('\n'));
  });

  test('delete: refused to all but admins (404 to those who cannot see), then done by one', async () => {
    const failures: string[] = [];
    for (const a of actors.filter((x) => x.name !== 'org admin' && x.name !== 'site admin')) {
      for (const v of VIS) {
        const r = await http(t, 'DELETE', `/api/v1/models/studio/m-${v}`, { ...(a.token && { token: a.token }) });
        let want = expected(a, v, 'write');
        if (want === 200) want = 403; // writers may change a model, not delete it
        if (r.status !== want) failures.push(`${a.name} deletes ${v}: ${r.status}, want ${want}`);
      }
    }
    assert.deepEqual(failures, [], failures.join('\n'));
    const owner = actors.find((a) => a.name === 'org admin') as Actor;
    assert.equal((await http(t, 'DELETE', '/api/v1/models/studio/m-private', { token: owner.token })).status, 204);
  });
});
