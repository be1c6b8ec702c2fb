import fs from 'node:fs';
import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { type Static, Type } from 'typebox';
import { ForkBody } from '../api/fork-schema.js';
import { ListQuery, type ListQueryValue, pageOf } from '../api/list-query.js';
import { callerOf, principalOf } from '../api/request-auth.js';
import { VisibilitySchema } from '../api/visibility-schema.js';
import type { Principal } from '../auth/scopes.js';
import { UnsupportedMediaType } from '../errors.js';
import { type ModelView, TASKS } from './model-views.js';
import type { RegistryService } from './registry-service.js';

const Visibility = VisibilitySchema;
const Task = Type.Union(TASKS.map((t) => Type.Literal(t)));
const Tags = Type.Array(Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,31}$' }), { maxItems: 20 });

const NewModel = Type.Object(
  {
    owner: Type.String({ maxLength: 39 }),
    name: Type.String({ maxLength: 64 }),
    task: Task,
    visibility: Type.Optional(Visibility),
    description: Type.Optional(Type.String({ maxLength: 10_000 })),
    tags: Type.Optional(Tags),
    license: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);

const ModelPatch = Type.Object(
  {
    task: Type.Optional(Task),
    visibility: Type.Optional(Visibility),
    description: Type.Optional(Type.String({ maxLength: 10_000 })),
    tags: Type.Optional(Tags),
    license: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false, minProperties: 1 },
);

const ModelParams = Type.Object({ owner: Type.String(), name: Type.String() });
const VersionParams = Type.Object({ owner: Type.String(), name: Type.String(), version: Type.Integer({ minimum: 1 }) });
const AliasParams = Type.Object({ owner: Type.String(), name: Type.String(), alias: Type.String({ maxLength: 63 }) });
const AliasBody = Type.Object({ version: Type.Integer({ minimum: 1 }) }, { additionalProperties: false });
const ExampleBody = Type.Object(
  {
    inputs: Type.Array(
      Type.Object(
        {
          name: Type.String({ maxLength: 256 }),
          datatype: Type.String({ maxLength: 16 }),
          shape: Type.Array(Type.Integer({ minimum: 0 }), { maxItems: 8 }),
          data: Type.Array(Type.Union([Type.Number(), Type.String({ maxLength: 10_000 }), Type.Boolean()]), {
            maxItems: 10_000,
          }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 64 },
    ),
  },
  { additionalProperties: false },
);
const ArtifactQuery = Type.Object({
  format: Type.Optional(Type.Union([Type.Literal('onnx'), Type.Literal('native')])),
});

type P<T extends import('typebox').TSchema> = Static<T>;

/** Models, versions (ONNX upload) and aliases under /api/v1. */
export async function registryRoutes(
  app: FastifyInstance,
  opts: {
    registry: RegistryService;
    maxModelBytes: number;
    /** What other domains add to a model's page (the marketplace: card, listing, popularity). */
    describe?: (caller: Principal | undefined, model: ModelView) => Promise<Record<string, unknown>>;
    /** Told about every artifact download (popularity counts them). */
    onDownload?: (modelId: number, version: number) => void;
  },
) {
  const { registry } = opts;
  // Uploads stream to the blob store as they arrive; the registry enforces the size limit.
  app.addContentTypeParser('application/octet-stream', (_req, payload, done) => done(null, payload));

  app.post<{ Body: P<typeof NewModel> }>(
    '/models',
    { schema: { body: NewModel, tags: ['models'], summary: 'Create a model' }, config: { scope: 'write' } },
    async (req, reply) =>
      reply.code(201).send(await registry.createModel(principalOf(req), { visibility: 'private', ...req.body })),
  );

  app.post<{ Params: P<typeof ModelParams>; Body: P<typeof ForkBody> }>(
    '/models/:owner/:name/fork',
    {
      schema: {
        params: ModelParams,
        body: ForkBody,
        tags: ['models'],
        summary: 'Fork a model: its versions (the same artifacts, not copied), aliases and card, under a new name',
      },
      config: { scope: 'write' },
    },
    async (req, reply) =>
      reply.code(201).send(await registry.forkModel(principalOf(req), req.params.owner, req.params.name, req.body)),
  );

  app.get<{ Querystring: ListQueryValue & { task?: string } }>(
    '/models',
    {
      schema: {
        querystring: Type.Object(
          { ...ListQuery.properties, task: Type.Optional(Task) },
          { additionalProperties: false },
        ),
        tags: ['models'],
        summary: 'The models the caller may see (anonymous callers: public ones)',
      },
      config: { scope: 'optional' },
    },
    async (req) => {
      const { page, limit, query } = pageOf(req.query);
      const task = req.query.task;
      const { items, total } = await registry.listModels(callerOf(req), { ...query, ...(task && { task }) });
      return { items, total, page, limit };
    },
  );

  app.get<{ Params: P<typeof ModelParams> }>(
    '/models/:owner/:name',
    { schema: { params: ModelParams, tags: ['models'] }, config: { scope: 'optional' } },
    async (req) => {
      const caller = callerOf(req);
      const view = await registry.getModel(caller, req.params.owner, req.params.name);
      return opts.describe ? { ...view, ...(await opts.describe(caller, view)) } : view;
    },
  );

  app.patch<{ Params: P<typeof ModelParams>; Body: P<typeof ModelPatch> }>(
    '/models/:owner/:name',
    { schema: { params: ModelParams, body: ModelPatch, tags: ['models'] }, config: { scope: 'write' } },
    async (req) => registry.updateModel(principalOf(req), req.params.owner, req.params.name, req.body),
  );

  app.delete<{ Params: P<typeof ModelParams> }>(
    '/models/:owner/:name',
    { schema: { params: ModelParams, tags: ['models'] }, config: { scope: 'write' } },
    async (req, reply) => {
      await registry.deleteModel(principalOf(req), req.params.owner, req.params.name);
      return reply.code(204).send();
    },
  );

  app.post<{ Params: P<typeof ModelParams> }>(
    '/models/:owner/:name/versions',
    {
      schema: {
        params: ModelParams,
        tags: ['models'],
        summary: 'Upload an ONNX model as a new version (raw application/octet-stream body)',
      },
      config: { scope: 'write' },
    },
    async (req, reply) => {
      const body = req.body as Readable | undefined;
      if (!body || typeof (body as Readable).pipe !== 'function') {
        throw new UnsupportedMediaType(
          'send the ONNX file as the raw body with Content-Type: application/octet-stream',
        );
      }
      const view = await registry.createVersion(
        principalOf(req),
        req.params.owner,
        req.params.name,
        body,
        opts.maxModelBytes,
      );
      return reply.code(201).send(view);
    },
  );

  app.get<{ Params: P<typeof ModelParams> }>(
    '/models/:owner/:name/versions',
    // Anonymous callers see a public model's versions, as they see the model.
    { schema: { params: ModelParams, tags: ['models'] }, config: { scope: 'optional' } },
    async (req) => ({ versions: await registry.listVersions(callerOf(req), req.params.owner, req.params.name) }),
  );

  app.get<{ Params: P<typeof VersionParams> }>(
    '/models/:owner/:name/versions/:version',
    { schema: { params: VersionParams, tags: ['models'] }, config: { scope: 'optional' } },
    async (req) => registry.getVersion(callerOf(req), req.params.owner, req.params.name, req.params.version),
  );

  app.get<{ Params: P<typeof VersionParams>; Querystring: P<typeof ArtifactQuery> }>(
    '/models/:owner/:name/versions/:version/artifact',
    { schema: { params: VersionParams, querystring: ArtifactQuery, tags: ['models'] }, config: { scope: 'read' } },
    async (req, reply) => {
      const { owner, name, version } = req.params;
      const format = req.query.format ?? 'onnx';
      const { path, sha256, modelId } = await registry.artifactPath(principalOf(req), owner, name, version, format);
      opts.onDownload?.(modelId, version);
      reply
        .type('application/octet-stream')
        .header('content-length', fs.statSync(path).size)
        .header('etag', `"${sha256}"`)
        .header(
          'content-disposition',
          `attachment; filename="${name}-v${version}.${format === 'onnx' ? 'onnx' : 'mqar'}"`,
        );
      return reply.send(fs.createReadStream(path));
    },
  );

  app.put<{ Params: P<typeof VersionParams>; Body: P<typeof ExampleBody> }>(
    '/models/:owner/:name/versions/:version/example',
    {
      schema: {
        params: VersionParams,
        body: ExampleBody,
        tags: ['models'],
        summary: "Set an uploaded version's example request (OIP JSON inputs matching its signature)",
      },
      config: { scope: 'write' },
    },
    async (req) => {
      const { owner, name, version } = req.params;
      return registry.setExample(principalOf(req), owner, name, version, req.body.inputs);
    },
  );

  app.put<{ Params: P<typeof AliasParams>; Body: P<typeof AliasBody> }>(
    '/models/:owner/:name/aliases/:alias',
    { schema: { params: AliasParams, body: AliasBody, tags: ['models'] }, config: { scope: 'write' } },
    async (req) =>
      registry.setAlias(principalOf(req), req.params.owner, req.params.name, req.params.alias, req.body.version),
  );

  app.delete<{ Params: P<typeof AliasParams> }>(
    '/models/:owner/:name/aliases/:alias',
    { schema: { params: AliasParams, tags: ['models'] }, config: { scope: 'write' } },
    async (req, reply) => {
      await registry.deleteAlias(principalOf(req), req.params.owner, req.params.name, req.params.alias);
      return reply.code(204).send();
    },
  );
}
