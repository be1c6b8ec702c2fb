/** The shared rating and basket sets as interactions, with the fixed splits of shared/data/splits. */
import { parseCsv } from '../src/frame/csv.js';
import { Interactions } from '../src/recommend/interactions.js';
import { dataText } from './data-files.js';

/** The row key of shared/data/splits/README.md (lowbias32 of the row index, seed 42). */
export function rowKey(i: number): number {
  let x = (Math.imul(i, 0x9e3779b9) + 42) >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** InstEval: students rate lecturers 1–5; the split's 80/20 rows; `context` names columns kept as context. */
export function loadInstEval(context: string[] = []): {
  all: Interactions;
  train: Interactions;
  test: Interactions;
  testRows: Int32Array;
} {
  const { header, rows } = parseCsv(dataText('ratings-insteval/ratings.csv'));
  const col = (name: string) => header.indexOf(name);
  const all = new Interactions(
    rows.map((r) => r[col('student')] as string),
    rows.map((r) => r[col('lecturer')] as string),
    rows.map((r) => Number(r[col('rating')])),
    undefined,
    undefined,
    Object.fromEntries(context.map((name) => [name, rows.map((r) => r[col(name)] as string)])),
  );
  const split = JSON.parse(dataText('splits/insteval.json')) as {
    test: number[];
  };
  const isTest = new Uint8Array(rows.length);
  for (const t of split.test) isTest[t] = 1;
  const trainRows = Int32Array.from({ length: rows.length }, (_, t) => t).filter((t) => !isTest[t]);
  const testRows = Int32Array.from(split.test);
  return { all, train: all.take(trainRows), test: all.take(testRows), testRows };
}

/**
 * InstEval as implicit feedback (every rating an interaction): for each student with at
 * least 2 ratings, the row with the smallest key is held out (shared/peers/README.md).
 */
export function loadInstEvalImplicit(): { train: Interactions; heldOut: Map<number, Set<number>> } {
  const { all } = loadInstEval();
  const best = new Map<number, number>();
  const count = new Map<number, number>();
  for (let t = 0; t < all.length; t++) {
    const u = all.u[t] as number;
    count.set(u, (count.get(u) ?? 0) + 1);
    const b = best.get(u);
    if (b === undefined || rowKey(t) < rowKey(b)) best.set(u, t);
  }
  const held = new Set<number>();
  for (const [u, t] of best) if ((count.get(u) ?? 0) >= 2) held.add(t);
  const trainRows = Int32Array.from({ length: all.length }, (_, t) => t).filter((t) => !held.has(t));
  const train = all.take(trainRows);
  train.value.fill(1);
  const heldOut = new Map<number, Set<number>>();
  for (const t of held) heldOut.set(all.u[t] as number, new Set([all.i[t] as number]));
  return { train, heldOut };
}

/**
 * Supermarket baskets: each basket with at least 2 items loses one item, the last in file
 * order (`rule: "last"`) or the one with the smallest row key (`"hash"`).
 */
export function loadBaskets(rule: 'last' | 'hash'): { train: Interactions; heldOut: Map<number, Set<number>> } {
  const { header, rows } = parseCsv(dataText('baskets-supermarket/baskets_long.csv'));
  const b = header.indexOf('basket_id');
  const it = header.indexOf('item');
  const all = new Interactions(
    rows.map((r) => r[b] as string),
    rows.map((r) => r[it] as string),
  );
  const pick = new Map<number, number>();
  const count = new Map<number, number>();
  for (let t = 0; t < all.length; t++) {
    const u = all.u[t] as number;
    count.set(u, (count.get(u) ?? 0) + 1);
    const p = pick.get(u);
    if (p === undefined || (rule === 'last' ? t > p : rowKey(t) < rowKey(p))) pick.set(u, t);
  }
  const held = new Set<number>();
  for (const [u, t] of pick) if ((count.get(u) ?? 0) >= 2) held.add(t);
  const train = all.take(Int32Array.from({ length: all.length }, (_, t) => t).filter((t) => !held.has(t)));
  const heldOut = new Map<number, Set<number>>();
  for (const t of held) heldOut.set(all.u[t] as number, new Set([all.i[t] as number]));
  return { train, heldOut };
}
