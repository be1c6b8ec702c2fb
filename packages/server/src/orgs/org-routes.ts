import type { FastifyInstance } from 'fastify';
import { type Static, type TSchema, Type } from 'typebox';
import { callerOf, principalOf } from '../api/request-auth.js';
import type { OrgService } from './org-service.js';
import type { ResourceKind } from './org-store.js';

const OWNER = '^[a-z0-9][a-z0-9-]{1,38}$';
const RoleSchema = Type.Union([Type.Literal('read'), Type.Literal('write'), Type.Literal('admin')]);
const OrgBody = Type.Object({ name: Type.String({ pattern: OWNER }) }, { additionalProperties: false });
const OrgParams = Type.Object({ org: Type.String({ pattern: OWNER }) });
const MemberParams = Type.Object({ org: Type.String({ pattern: OWNER }), user: Type.String({ pattern: OWNER }) });
const RoleBody = Type.Object({ role: RoleSchema }, { additionalProperties: false });
const ResourceParams = Type.Object({ owner: Type.String(), name: Type.String() });
const CollaboratorParams = Type.Object({
  owner: Type.String(),
  name: Type.String(),
  user: Type.String({ pattern: OWNER }),
});

type P<T extends TSchema> = Static<T>;

/** Organisations, their members, and collaborators on models and datasets, under /api/v1. */
export async function orgRoutes(app: FastifyInstance, opts: { orgs: OrgService }) {
  const { orgs } = opts;
  const tags = ['organisations'];

  app.post<{ Body: P<typeof OrgBody> }>(
    '/orgs',
    {
      schema: { body: OrgBody, tags, summary: 'Create an organisation; its creator is its first admin' },
      config: { scope: 'write' },
    },
    async (req, reply) => reply.code(201).send(await orgs.createOrg(principalOf(req), req.body.name)),
  );

  app.get<{ Params: P<typeof OrgParams> }>(
    '/orgs/:org',
    {
      schema: { params: OrgParams, tags, summary: 'An organisation (its members are shown to its members)' },
      config: { scope: 'optional' },
    },
    async (req) => orgs.getOrg(callerOf(req), req.params.org),
  );

  app.put<{ Params: P<typeof MemberParams>; Body: P<typeof RoleBody> }>(
    '/orgs/:org/members/:user',
    {
      schema: {
        params: MemberParams,
        body: RoleBody,
        tags,
        summary: "Add a member or change a member's role (org admins)",
      },
      config: { scope: 'write' },
    },
    async (req) => orgs.setMember(principalOf(req), req.params.org, req.params.user, req.body.role),
  );

  app.delete<{ Params: P<typeof MemberParams> }>(
    '/orgs/:org/members/:user',
    {
      schema: { params: MemberParams, tags, summary: 'Remove a member (org admins), or leave' },
      config: { scope: 'write' },
    },
    async (req, reply) => {
      await orgs.removeMember(principalOf(req), req.params.org, req.params.user);
      return reply.code(204).send();
    },
  );

  for (const [kind, plural] of [
    ['model', 'models'],
    ['dataset', 'datasets'],
  ] as Array<[ResourceKind, string]>) {
    app.get<{ Params: P<typeof ResourceParams> }>(
      `/${plural}/:owner/:name/collaborators`,
      {
        schema: { params: ResourceParams, tags, summary: `Who was given a role on this ${kind} (writers see it)` },
        config: { scope: 'read' },
      },
      async (req) => ({
        collaborators: await orgs.collaborators(principalOf(req), kind, req.params.owner, req.params.name),
      }),
    );
    app.put<{ Params: P<typeof CollaboratorParams>; Body: P<typeof RoleBody> }>(
      `/${plural}/:owner/:name/collaborators/:user`,
      {
        schema: {
          params: CollaboratorParams,
          body: RoleBody,
          tags,
          summary: `Give a user a role on this ${kind} (its admins)`,
        },
        config: { scope: 'write' },
      },
      async (req) => ({
        collaborators: await orgs.setCollaborator(
          principalOf(req),
          kind,
          req.params.owner,
          req.params.name,
          req.params.user,
          req.body.role,
        ),
      }),
    );
    app.delete<{ Params: P<typeof CollaboratorParams> }>(
      `/${plural}/:owner/:name/collaborators/:user`,
      {
        schema: { params: CollaboratorParams, tags, summary: `Take a user's role on this ${kind} away (its admins)` },
        config: { scope: 'write' },
      },
      async (req, reply) => {
        await orgs.removeCollaborator(principalOf(req), kind, req.params.owner, req.params.name, req.params.user);
        return reply.code(204).send();
      },
    );
  }
}
