import { type Static, Type } from 'typebox';
import { VisibilitySchema } from './visibility-schema.js';

/** The query of every owned-resource listing (`GET /models`, `GET /datasets`). */
export const ListQuery = Type.Object(
  {
    owner: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,38}$' })),
    q: Type.Optional(Type.String({ maxLength: 200 })),
    visibility: Type.Optional(VisibilitySchema),
    sort: Type.Optional(Type.Union([Type.Literal('updated'), Type.Literal('created'), Type.Literal('name')])),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
  },
  { additionalProperties: false },
);

export type ListQueryValue = Static<typeof ListQuery>;

/** The page a listing query asks for, with its defaults (20 a page, newest change first). */
export function pageOf(q: ListQueryValue) {
  const limit = q.limit ?? 20;
  const page = q.page ?? 1;
  return {
    page,
    limit,
    query: {
      ...(q.owner && { owner: q.owner }),
      ...(q.q && { q: q.q }),
      ...(q.visibility && { visibility: q.visibility }),
      sort: q.sort ?? ('updated' as const),
      limit,
      offset: (page - 1) * limit,
    },
  };
}
