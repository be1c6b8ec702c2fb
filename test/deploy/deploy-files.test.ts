import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { nginxAvailable } from '../harness/nginx.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DEPLOY = path.join(ROOT, 'deploy');
const K8S = path.join(DEPLOY, 'kubernetes');
const read = (p: string) => fs.readFileSync(path.join(ROOT, p), 'utf8');

/** A parsed manifest, checked field by field. */
type Doc = any;

function yamlDocs(file: string): Doc[] {
  // compose.yaml shares the Marquee services' settings through a merge key (<<), as Compose reads it.
  const docs = parseAllDocuments(fs.readFileSync(file, 'utf8'), { merge: true });
  for (const d of docs) assert.deepEqual(d.errors, [], `${path.relative(ROOT, file)} parses`);
  return docs.map((d) => d.toJS()).filter(Boolean);
}

const manifests = fs
  .readdirSync(K8S)
  .filter((f) => f.endsWith('.yaml'))
  .flatMap((f) => yamlDocs(path.join(K8S, f)).map((doc) => ({ file: f, doc })));
const byKind = (kind: string) => manifests.filter((m) => m.doc.kind === kind).map((m) => m.doc);
const named = (kind: string, name: string) => byKind(kind).find((d) => d.metadata.name === name);
const compose = yamlDocs(path.join(DEPLOY, 'compose.yaml'))[0] as Doc;

/** Every variable the server's configuration reads (MARQUEE_*), from its source. */
const CONFIG_SOURCE = read('packages/server/src/config/config.ts');
const configVariables = new Set(CONFIG_SOURCE.match(/MARQUEE_[A-Z0-9_]+/g));
/** The routes the probes may ask for: the API's and the worker's. */
const PROBE_ROUTES = read('packages/server/src/ops/ops-routes.ts') + read('packages/server/src/ops/probe-app.ts');
const CLI_COMMANDS = fs.readdirSync(path.join(ROOT, 'packages/cli/src/commands')).map((f) => f.replace(/\.ts$/, ''));

function containers(): Array<{ where: string; c: Doc; pod: Doc }> {
  return [...byKind('Deployment'), ...byKind('Job')].flatMap((d) =>
    d.spec.template.spec.containers.map((c: Doc) => ({ where: d.metadata.name, c, pod: d.spec.template.spec })),
  );
}

function checkVariable(name: string, where: string): void {
  if (name.startsWith('AWS_') || name.startsWith('POSTGRES_')) return;
  assert.ok(configVariables.has(name), `${where}: ${name} is a variable the server reads`);
}

describe('deployment files', () => {
  test('Kubernetes: every file parses, is listed by kustomization.yaml, and names one image', () => {
    const kustomization = byKind('Kustomization')[0];
    const files = fs.readdirSync(K8S).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
    assert.deepEqual([...kustomization.resources].sort(), files.sort());
    const images = new Set(containers().map(({ c }) => c.image));
    assert.deepEqual([...images], [compose['x-marquee'].image], 'the image compose builds');
    assert.match(read('deploy/Dockerfile'), /ENTRYPOINT \["node", "packages\/cli\/bin\/marquee\.js"\]/);
  });

  test('Kubernetes: commands, ports, probes, variables, secrets and volumes refer to what exists', () => {
    for (const { where, c, pod } of containers()) {
      const verb = c.args[0];
      assert.ok(CLI_COMMANDS.includes(verb), `${where}: "${verb}" is a marquee command`);
      if (c.args.includes('--no-jobs')) assert.match(read('packages/cli/src/commands/serve.ts'), /'no-jobs'/);
      const ports = new Map((c.ports ?? []).map((p: Doc) => [p.name, p.containerPort]));
      for (const probe of [c.readinessProbe, c.livenessProbe].filter(Boolean)) {
        assert.ok(ports.has(probe.httpGet.port), `${where}: probe port ${probe.httpGet.port} is declared`);
        assert.equal(ports.get(probe.httpGet.port), 8080, `${where}: probes go to the HTTP port`);
        assert.ok(PROBE_ROUTES.includes(`'${probe.httpGet.path}'`), `${where}: ${probe.httpGet.path} is served`);
      }
      if (where !== 'marquee-migrate') {
        assert.equal(c.readinessProbe.httpGet.path, '/readyz');
        assert.equal(c.livenessProbe.httpGet.path, '/healthz');
      }
      for (const e of c.env ?? []) {
        checkVariable(e.name, where);
        const ref = e.valueFrom?.secretKeyRef;
        if (ref) {
          const secret = named('Secret', ref.name);
          assert.ok(secret, `${where}: Secret ${ref.name} exists`);
          assert.ok(ref.key in secret.stringData, `${where}: Secret ${ref.name} has ${ref.key}`);
        }
      }
      for (const from of c.envFrom ?? []) {
        const cm = named('ConfigMap', from.configMapRef.name);
        assert.ok(cm, `${where}: ConfigMap ${from.configMapRef.name} exists`);
        for (const name of Object.keys(cm.data)) checkVariable(name, from.configMapRef.name);
      }
      for (const m of c.volumeMounts ?? []) {
        const vol = pod.volumes.find((v: Doc) => v.name === m.name);
        assert.ok(vol, `${where}: volume ${m.name} is declared`);
        assert.ok(named('PersistentVolumeClaim', vol.persistentVolumeClaim.claimName), `${where}: its claim exists`);
        assert.equal(
          m.mountPath,
          named('ConfigMap', 'marquee-config').data.MARQUEE_DATA_DIR,
          'mounted as the data folder',
        );
      }
    }
    const serving = ['serve', 'worker'].map((verb) => containers().find(({ c }) => c.args[0] === verb));
    assert.ok(serving.every(Boolean), 'API nodes and workers both run');
    assert.ok(
      containers().some(({ c, where }) => c.args[0] === 'migrate' && named('Job', where)),
      'a Job runs the migration',
    );
  });

  test('Kubernetes: the Service, Ingress and autoscalers point at the API pods and their ports', () => {
    const api = named('Deployment', 'marquee-api');
    const apiPorts = new Set(api.spec.template.spec.containers[0].ports.map((p: Doc) => p.name));
    for (const svc of byKind('Service')) {
      for (const [k, v] of Object.entries(svc.spec.selector)) assert.equal(api.spec.template.metadata.labels[k], v);
      for (const p of svc.spec.ports) assert.ok(apiPorts.has(p.targetPort), `Service port ${p.name} → ${p.targetPort}`);
    }
    const backends = byKind('Ingress').flatMap((ing) =>
      ing.spec.rules.flatMap((r: Doc) => r.http.paths.map((p: Doc) => p.backend.service)),
    );
    assert.deepEqual(new Set(backends.map((b: Doc) => b.port.name)), new Set(['http', 'grpc']));
    for (const b of backends) {
      const svc = named('Service', b.name);
      assert.ok(svc, `Ingress backend ${b.name} exists`);
      assert.ok(
        svc.spec.ports.some((p: Doc) => p.name === b.port.name),
        `${b.name} has port ${b.port.name}`,
      );
    }
    for (const hpa of byKind('HorizontalPodAutoscaler')) {
      assert.equal(hpa.spec.scaleTargetRef.kind, 'Deployment');
      assert.ok(named('Deployment', hpa.spec.scaleTargetRef.name), `${hpa.metadata.name} scales a Deployment`);
      assert.ok(hpa.spec.minReplicas >= 1 && hpa.spec.maxReplicas > hpa.spec.minReplicas);
    }
  });

  test('compose: PostgreSQL, migration, N API nodes, M workers and nginx, wired to each other', () => {
    const services = compose.services;
    assert.deepEqual(Object.keys(services).sort(), ['api', 'lb', 'migrate', 'postgres', 'worker']);
    for (const [name, svc] of Object.entries<Doc>(services)) {
      for (const dep of Object.keys(svc.depends_on ?? {})) assert.ok(services[dep], `${name} depends on ${dep}`);
      for (const v of svc.volumes ?? []) {
        const [source] = String(v).split(':');
        if (!source?.startsWith('.')) assert.ok(source && source in compose.volumes, `${name}: volume ${source}`);
        else assert.ok(fs.existsSync(path.join(DEPLOY, source)), `${name}: ${source} exists`);
      }
      for (const key of Object.keys(svc.environment ?? {})) checkVariable(key, name);
      if (svc.command) assert.ok(CLI_COMMANDS.includes(svc.command[0]), `${name}: ${svc.command[0]} is a command`);
    }
    assert.deepEqual(services.api.command, ['serve', '--no-jobs']);
    assert.deepEqual(services.worker.command, ['worker']);
    assert.ok(services.api.deploy.replicas >= 2 && services.worker.deploy.replicas >= 2);
    assert.match(services.api.environment.MARQUEE_DATABASE_URL, /^postgres:\/\/[^@]+@postgres:5432\//);
    assert.equal(services.api.environment.MARQUEE_DATA_DIR, '/data');
    assert.ok(
      fs.existsSync(path.join(ROOT, services.api.build.context.replace('..', '.'), services.api.build.dockerfile)),
    );
    // nginx sends HTTP and gRPC to the api service's ports, which the image listens on.
    const nginx = read('deploy/nginx.conf');
    assert.deepEqual(
      [...nginx.matchAll(/server (\w+):(\d+)/g)].map((m) => `${m[1]}:${m[2]}`),
      ['api:8080', 'api:8081'],
    );
    assert.match(nginx, /grpc_pass grpc:\/\/marquee_grpc/);
    // nginx itself accepts the file (with the service name pointed at loopback, as
    // Compose's DNS is not here).
    if (nginxAvailable()) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-nginx-conf-'));
      try {
        fs.writeFileSync(path.join(dir, 'nginx.conf'), nginx.replaceAll('server api:', 'server 127.0.0.1:'));
        const check = spawnSync(
          'nginx',
          ['-t', '-p', dir, '-c', path.join(dir, 'nginx.conf'), '-g', `pid ${dir}/pid;`],
          {
            encoding: 'utf8',
          },
        );
        assert.equal(check.status, 0, check.stderr);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
    const dockerfile = read('deploy/Dockerfile');
    assert.match(dockerfile, /MARQUEE_PORT=8080/);
    assert.match(dockerfile, /MARQUEE_GRPC_PORT=8081/);
    assert.deepEqual(
      services.lb.ports.map((p: string) => p.split(':')[1]),
      ['8080', '8081'],
    );
  });
});
