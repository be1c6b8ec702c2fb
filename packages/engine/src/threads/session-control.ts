/**
 * The shared words through which a TaskSession (task-session.ts) and its workers
 * (task-worker.ts) coordinate: [run sequence number, next index (tagged with the run),
 * the run's task count, results posted, closed].
 */
export const SESSION_SEQ = 0;
export const SESSION_NEXT = 1;
export const SESSION_COUNT = 2;
export const SESSION_POSTED = 3;
export const SESSION_CLOSED = 4;
export const SESSION_WORDS = 5;
/** Index bits of SESSION_NEXT; the bits above hold the run's sequence number. */
export const SESSION_INDEX_BITS = 16;

/** The bits of a run's sequence number that SESSION_NEXT holds. */
export function sessionTag(seq: number): number {
  return seq & 0x7fff;
}

/**
 * Takes the next index of run `seq`, or −1 when that run has none left or is over: a
 * compare-and-swap, so that a worker still on an old run never takes a newer run's index.
 */
export function takeSessionIndex(control: Int32Array, seq: number): number {
  for (;;) {
    const v = Atomics.load(control, SESSION_NEXT);
    const index = v & ((1 << SESSION_INDEX_BITS) - 1);
    if (v >>> SESSION_INDEX_BITS !== sessionTag(seq) || index >= Atomics.load(control, SESSION_COUNT)) return -1;
    if (Atomics.compareExchange(control, SESSION_NEXT, v, v + 1) === v) return index;
  }
}
