import { Type } from 'typebox';

/** The request schema of a visibility (see auth/resource-access.ts for what each means). */
export const VisibilitySchema = Type.Union(
  [Type.Literal('public'), Type.Literal('internal'), Type.Literal('private')],
  {
    description: 'public: everyone; internal: the owning organisation’s members; private: the owner and collaborators',
  },
);
