import { Forbidden, NotFound } from '../errors.js';
import { hasScope, type Principal } from './scopes.js';

/** What access rules need of an owned resource (a model, a dataset). */
export interface OwnedRow {
  owner_id: number;
  visibility: 'public' | 'private';
}

/**
 * Deny unless allowed: a resource is seen by everyone when public, else by its owner and
 * admins; anyone else is told it does not exist, so that its existence does not leak.
 */
export function assertVisible<R extends OwnedRow>(caller: Principal | undefined, row: R | undefined, what: string): R {
  const visible =
    row && (row.visibility === 'public' || (caller && (caller.userId === row.owner_id || caller.isAdmin)));
  if (!row || !visible) throw new NotFound(`no ${what}`);
  return row;
}

/** Visible, and the caller's token may write and the caller owns it (or is admin). */
export function assertWritable<R extends OwnedRow>(caller: Principal, row: R | undefined, what: string): R {
  const visible = assertVisible(caller, row, what);
  if (!hasScope(caller, 'write')) throw new Forbidden('this call needs a token with the "write" scope');
  if (visible.owner_id !== caller.userId && !caller.isAdmin) throw new Forbidden(`you cannot change ${what}`);
  return visible;
}
