import { Type } from 'typebox';
import { VisibilitySchema } from './visibility-schema.js';

/** The body of a fork (models and datasets): where it goes, and optionally who sees it. */
export const ForkBody = Type.Object(
  {
    owner: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,38}$' }),
    name: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,63}$' }),
    visibility: Type.Optional(VisibilitySchema),
  },
  { additionalProperties: false },
);
