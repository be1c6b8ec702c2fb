/**
 * Each user's items and values, kept by the item-item models (item-kNN, EASE), which
 * score a user from what they chose; CSR by user, as Interactions.byUser gives it.
 */
export interface SeenItems {
  indptr: Int32Array;
  indices: Int32Array;
  values: Float64Array;
}

const NONE: SeenItems = { indptr: new Int32Array(1), indices: new Int32Array(0), values: new Float64Array(0) };

/** A user's scores from their items through `scoreFrom`; zeros for a user the model never saw. */
export function scoreSeen(
  seen: SeenItems | undefined,
  user: number,
  nItems: number,
  scoreFrom: (items: ArrayLike<number>, values: ArrayLike<number>) => Float64Array,
): Float64Array {
  if (!seen || user < 0 || user >= seen.indptr.length - 1) return new Float64Array(nItems);
  const from = seen.indptr[user] as number;
  const to = seen.indptr[user + 1] as number;
  return scoreFrom(seen.indices.subarray(from, to), seen.values.subarray(from, to));
}

/** The arrays an artifact keeps of them. */
export function seenArrays(seen: SeenItems | undefined): Record<string, Int32Array | Float64Array> {
  const s = seen ?? NONE;
  return { seenIndptr: s.indptr, seenIndices: s.indices, seenValues: s.values };
}

export function seenFromArrays(arrays: Record<string, unknown>): SeenItems {
  return {
    indptr: arrays.seenIndptr as Int32Array,
    indices: arrays.seenIndices as Int32Array,
    values: arrays.seenValues as Float64Array,
  };
}
