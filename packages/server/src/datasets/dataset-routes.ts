import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { type Static, type TSchema, Type } from 'typebox';
import { ForkBody } from '../api/fork-schema.js';
import { ListQuery, type ListQueryValue, pageOf } from '../api/list-query.js';
import { callerOf, principalOf } from '../api/request-auth.js';
import { VisibilitySchema } from '../api/visibility-schema.js';
import { UnsupportedMediaType } from '../errors.js';
import { DATASET_CONTENT_TYPES, formatOfContentType } from './dataset-formats.js';
import type { DatasetService } from './dataset-service.js';

const NewDataset = Type.Object(
  {
    owner: Type.String({ maxLength: 39 }),
    name: Type.String({ maxLength: 64 }),
    visibility: Type.Optional(VisibilitySchema),
    description: Type.Optional(Type.String({ maxLength: 10_000 })),
  },
  { additionalProperties: false },
);
const DatasetPatch = Type.Object(
  {
    visibility: Type.Optional(VisibilitySchema),
    description: Type.Optional(Type.String({ maxLength: 10_000 })),
  },
  { additionalProperties: false, minProperties: 1 },
);
const DatasetParams = Type.Object({ owner: Type.String(), name: Type.String() });
const VersionParams = Type.Object({ owner: Type.String(), name: Type.String(), version: Type.Integer({ minimum: 1 }) });
const PreviewQuery = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) });

type P<T extends TSchema> = Static<T>;

/** Datasets and their versions (CSV, JSONL or Parquet uploads) under /api/v1. */
export async function datasetRoutes(app: FastifyInstance, opts: { datasets: DatasetService }) {
  const { datasets } = opts;
  // Uploads stream into the blob store as they arrive; the service enforces the size limit.
  for (const type of [...DATASET_CONTENT_TYPES, 'application/octet-stream']) {
    app.addContentTypeParser(type, (_req, payload, done) => done(null, payload));
  }

  app.post<{ Body: P<typeof NewDataset> }>(
    '/datasets',
    { schema: { body: NewDataset, tags: ['datasets'], summary: 'Create a dataset' }, config: { scope: 'write' } },
    async (req, reply) =>
      reply.code(201).send(await datasets.createDataset(principalOf(req), { visibility: 'private', ...req.body })),
  );

  app.get<{ Querystring: ListQueryValue }>(
    '/datasets',
    {
      schema: {
        querystring: ListQuery,
        tags: ['datasets'],
        summary: 'The datasets the caller may see (anonymous callers: public ones)',
      },
      config: { scope: 'optional' },
    },
    async (req) => {
      const { page, limit, query } = pageOf(req.query);
      const { items, total } = await datasets.listDatasets(callerOf(req), query);
      return { items, total, page, limit };
    },
  );

  app.get<{ Params: P<typeof DatasetParams> }>(
    '/datasets/:owner/:name',
    { schema: { params: DatasetParams, tags: ['datasets'] }, config: { scope: 'optional' } },
    async (req) => datasets.getDataset(callerOf(req), req.params.owner, req.params.name),
  );

  app.patch<{ Params: P<typeof DatasetParams>; Body: P<typeof DatasetPatch> }>(
    '/datasets/:owner/:name',
    { schema: { params: DatasetParams, body: DatasetPatch, tags: ['datasets'] }, config: { scope: 'write' } },
    async (req) => datasets.updateDataset(principalOf(req), req.params.owner, req.params.name, req.body),
  );

  app.delete<{ Params: P<typeof DatasetParams> }>(
    '/datasets/:owner/:name',
    { schema: { params: DatasetParams, tags: ['datasets'] }, config: { scope: 'write' } },
    async (req, reply) => {
      await datasets.deleteDataset(principalOf(req), req.params.owner, req.params.name);
      return reply.code(204).send();
    },
  );

  app.post<{ Params: P<typeof DatasetParams>; Body: P<typeof ForkBody> }>(
    '/datasets/:owner/:name/fork',
    {
      schema: {
        params: DatasetParams,
        body: ForkBody,
        tags: ['datasets'],
        summary: 'Fork a dataset: its versions (the same files, not copied) under a new name',
      },
      config: { scope: 'write' },
    },
    async (req, reply) =>
      reply.code(201).send(await datasets.forkDataset(principalOf(req), req.params.owner, req.params.name, req.body)),
  );

  app.post<{ Params: P<typeof DatasetParams> }>(
    '/datasets/:owner/:name/versions',
    {
      schema: {
        params: DatasetParams,
        tags: ['datasets'],
        summary:
          'Upload a version: the raw file as the body, Content-Type text/csv, application/jsonl or application/vnd.apache.parquet',
      },
      config: { scope: 'write' },
    },
    async (req, reply) => {
      const format = formatOfContentType(req.headers['content-type']);
      const body = req.body as Readable | undefined;
      if (!body || typeof body.pipe !== 'function')
        throw new UnsupportedMediaType('send the file as the raw request body');
      const { view, created } = await datasets.createVersion(
        principalOf(req),
        req.params.owner,
        req.params.name,
        body,
        format,
      );
      return reply.code(created ? 201 : 200).send(view);
    },
  );

  app.get<{ Params: P<typeof DatasetParams> }>(
    '/datasets/:owner/:name/versions',
    { schema: { params: DatasetParams, tags: ['datasets'] }, config: { scope: 'optional' } },
    async (req) => ({ versions: await datasets.listVersions(callerOf(req), req.params.owner, req.params.name) }),
  );

  app.get<{ Params: P<typeof VersionParams> }>(
    '/datasets/:owner/:name/versions/:version',
    { schema: { params: VersionParams, tags: ['datasets'] }, config: { scope: 'optional' } },
    async (req) => datasets.getVersion(callerOf(req), req.params.owner, req.params.name, req.params.version),
  );

  app.get<{ Params: P<typeof VersionParams>; Querystring: P<typeof PreviewQuery> }>(
    '/datasets/:owner/:name/versions/:version/preview',
    { schema: { params: VersionParams, querystring: PreviewQuery, tags: ['datasets'] }, config: { scope: 'optional' } },
    async (req) =>
      datasets.preview(callerOf(req), req.params.owner, req.params.name, req.params.version, req.query.limit ?? 20),
  );

  app.get<{ Params: P<typeof VersionParams> }>(
    '/datasets/:owner/:name/versions/:version/summary',
    {
      schema: {
        params: VersionParams,
        tags: ['datasets'],
        summary: 'Per-column summaries: range, mean, quartiles and a histogram for numbers; the top values otherwise',
      },
      config: { scope: 'optional' },
    },
    async (req) => ({
      columns: await datasets.summary(callerOf(req), req.params.owner, req.params.name, req.params.version),
    }),
  );
}
