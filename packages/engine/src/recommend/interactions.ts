/**
 * User–item interactions as the recommenders learn from them: users and items mapped to
 * dense indices (in first-seen order), one value per interaction (a rating, or a weight
 * such as a play count), optionally a timestamp. CSR views by user and by item are built
 * once on demand.
 */
export class Interactions {
  readonly users: string[];
  readonly items: string[];
  readonly userIndex: Map<string, number>;
  readonly itemIndex: Map<string, number>;
  /** Per interaction: user index, item index, value. */
  readonly u: Int32Array;
  readonly i: Int32Array;
  readonly value: Float64Array;
  readonly time: Float64Array | undefined;
  /**
   * Context of each interaction (categorical columns such as a device, or a student's
   * semester): per context column, its values (first-seen order) and a code per row.
   */
  readonly context: Array<{ name: string; values: string[]; codes: Int32Array }>;
  private byUserCache: Csr | undefined;
  private byItemCache: Csr | undefined;

  constructor(
    users: ArrayLike<string>,
    items: ArrayLike<string>,
    values?: ArrayLike<number>,
    times?: ArrayLike<number>,
    known?: { users: string[]; items: string[] },
    context: Record<string, ArrayLike<string>> = {},
  ) {
    const n = users.length;
    if (items.length !== n || (values && values.length !== n))
      throw new Error('users, items and values differ in length');
    this.users = known ? [...known.users] : [];
    this.items = known ? [...known.items] : [];
    this.userIndex = new Map(this.users.map((k, j) => [k, j]));
    this.itemIndex = new Map(this.items.map((k, j) => [k, j]));
    this.u = new Int32Array(n);
    this.i = new Int32Array(n);
    this.value = values ? Float64Array.from(values) : new Float64Array(n).fill(1);
    this.time = times ? Float64Array.from(times) : undefined;
    for (let t = 0; t < n; t++) {
      this.u[t] = indexOf(this.userIndex, this.users, String(users[t]));
      this.i[t] = indexOf(this.itemIndex, this.items, String(items[t]));
    }
    this.context = Object.entries(context).map(([name, column]) => {
      if (column.length !== n)
        throw new Error(`context column "${name}" has ${column.length} values for ${n} interactions`);
      const values: string[] = [];
      const index = new Map<string, number>();
      const codes = Int32Array.from({ length: n }, (_, t) => indexOf(index, values, String(column[t])));
      return { name, values, codes };
    });
  }

  get length(): number {
    return this.u.length;
  }

  get nUsers(): number {
    return this.users.length;
  }

  get nItems(): number {
    return this.items.length;
  }

  /** The interactions at these positions (same user and item indices). */
  take(rows: ArrayLike<number>): Interactions {
    const pick = <T extends { [k: number]: number }>(a: T) =>
      Array.from({ length: rows.length }, (_, t) => a[rows[t] as number] as number);
    const out = Object.create(Interactions.prototype) as Interactions;
    Object.assign(out, {
      users: this.users,
      items: this.items,
      userIndex: this.userIndex,
      itemIndex: this.itemIndex,
      u: Int32Array.from(pick(this.u)),
      i: Int32Array.from(pick(this.i)),
      value: Float64Array.from(pick(this.value)),
      time: this.time ? Float64Array.from(pick(this.time)) : undefined,
      context: this.context.map((c) => ({ ...c, codes: Int32Array.from(pick(c.codes)) })),
      byUserCache: undefined,
      byItemCache: undefined,
    });
    return out;
  }

  /** Items of each user: indptr over users, item indices and values. */
  byUser(): Csr {
    this.byUserCache ??= toCsr(this.u, this.i, this.value, this.nUsers);
    return this.byUserCache;
  }

  /** Users of each item. */
  byItem(): Csr {
    this.byItemCache ??= toCsr(this.i, this.u, this.value, this.nItems);
    return this.byItemCache;
  }
}

export interface Csr {
  indptr: Int32Array;
  indices: Int32Array;
  values: Float64Array;
}

function indexOf(index: Map<string, number>, keys: string[], key: string): number {
  let j = index.get(key);
  if (j === undefined) {
    j = keys.length;
    index.set(key, j);
    keys.push(key);
  }
  return j;
}

function toCsr(rows: Int32Array, cols: Int32Array, values: Float64Array, nRows: number): Csr {
  const indptr = new Int32Array(nRows + 1);
  for (const r of rows) indptr[r + 1] = (indptr[r + 1] as number) + 1;
  for (let r = 0; r < nRows; r++) indptr[r + 1] = (indptr[r + 1] as number) + (indptr[r] as number);
  const fill = indptr.slice(0, nRows);
  const indices = new Int32Array(rows.length);
  const vals = new Float64Array(rows.length);
  for (let t = 0; t < rows.length; t++) {
    const at = fill[rows[t] as number] as number;
    indices[at] = cols[t] as number;
    vals[at] = values[t] as number;
    fill[rows[t] as number] = at + 1;
  }
  return { indptr, indices, values: vals };
}
