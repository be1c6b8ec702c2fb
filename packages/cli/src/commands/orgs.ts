import type { Role } from '@marquee/client';
import { type Command, opt, UsageError } from '../command.js';
import { clientFrom, connectionOptions } from '../credentials.js';
import { printList, textTable } from '../text-table.js';

const ROLES = ['read', 'write', 'admin'];
const json = opt('boolean', 'print JSON instead of a table');

function role(value: unknown): Role {
  if (!ROLES.includes(String(value))) throw new UsageError(`give --role ${ROLES.join('|')}`);
  return value as Role;
}

export const orgsCreate: Command = {
  name: 'orgs create',
  summary: 'Create an organisation (you become its admin). Its name shares the namespace with users.',
  usage: 'orgs create NAME',
  options: { ...connectionOptions },
  async run({ values, positionals }) {
    if (!positionals[0]) throw new UsageError('give the organisation a name');
    const org = await clientFrom(values).createOrg(positionals[0]);
    console.log(`organisation ${org.name} created; you are its admin`);
    return 0;
  },
};

export const orgsShow: Command = {
  name: 'orgs show',
  summary: 'Show an organisation: your role, and its members if you are one.',
  usage: 'orgs show NAME [--json]',
  options: { json, ...connectionOptions },
  async run({ values, positionals }) {
    if (!positionals[0]) throw new UsageError('give the organisation');
    const org = await clientFrom(values).getOrg(positionals[0]);
    printList(Boolean(values.json), org, () =>
      [
        `${org.name} (since ${org.createdAt.slice(0, 10)}); your role: ${org.role ?? 'none'}`,
        org.members
          ? textTable(
              ['MEMBER', 'ROLE', 'SINCE'],
              org.members.map((m) => [m.user, m.role, m.since.slice(0, 10)]),
            )
          : '(members are shown to members)',
      ].join('\n'),
    );
    return 0;
  },
};

export const orgsMember: Command = {
  name: 'orgs member',
  summary: "Add a member to an organisation, change a member's role, or remove one (--remove). Org admins only.",
  usage: 'orgs member ORG USER (--role read|write|admin | --remove)',
  options: {
    role: opt('string', 'read, write or admin'),
    remove: opt('boolean', 'remove the member (or leave, for yourself)'),
    ...connectionOptions,
  },
  async run({ values, positionals }) {
    const [org, user] = positionals;
    if (!org || !user) throw new UsageError('give the organisation and the user');
    const client = clientFrom(values);
    if (values.remove) {
      await client.removeMember(org, user);
      console.log(`${user} is no longer a member of ${org}`);
    } else {
      await client.setMember(org, user, role(values.role));
      console.log(`${user} is a member of ${org} with the ${values.role} role`);
    }
    return 0;
  },
};

export const collaborators: Command = {
  name: 'collaborators',
  summary:
    "List a model's or dataset's collaborators, or give one a role (--user U --role R) or take it away (--user U --remove).",
  usage: 'collaborators OWNER/NAME [--dataset] [--user USER (--role read|write|admin | --remove)] [--json]',
  options: {
    dataset: opt('boolean', 'a dataset, not a model'),
    user: opt('string', 'the user to give a role to (or take it from)'),
    role: opt('string', 'read, write or admin'),
    remove: opt('boolean', "take the user's role away"),
    json,
    ...connectionOptions,
  },
  async run({ values, positionals }) {
    const name = positionals[0];
    if (!name) throw new UsageError('give the model or dataset, owner/name');
    const kind = values.dataset ? 'datasets' : 'models';
    const client = clientFrom(values);
    const user = values.user as string | undefined;
    if (user && values.remove) await client.removeCollaborator(kind, name, user);
    else if (user) await client.setCollaborator(kind, name, user, role(values.role));
    const list = await client.collaborators(kind, name);
    printList(Boolean(values.json), list, () =>
      list.length
        ? textTable(
            ['USER', 'ROLE', 'SINCE'],
            list.map((c) => [c.user, c.role, c.since.slice(0, 10)]),
          )
        : `${name} has no collaborators`,
    );
    return 0;
  },
};
