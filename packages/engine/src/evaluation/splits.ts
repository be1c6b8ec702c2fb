import { Rng } from '../random/rng.js';

/**
 * Stratified train/test split: each class keeps its share in both parts (the test part
 * takes round(testFraction × class size) rows of each class, at least one when the class
 * has two or more). Returns sorted row indices.
 */
export function stratifiedSplit(
  labels: ArrayLike<number>,
  testFraction: number,
  seed = 0,
): { train: Int32Array; test: Int32Array } {
  if (!(testFraction > 0 && testFraction < 1)) throw new Error('testFraction must be in (0, 1)');
  const rng = new Rng(seed);
  const train: number[] = [];
  const test: number[] = [];
  for (const rows of byClass(labels)) {
    rng.shuffle(rows);
    let nTest = Math.round(rows.length * testFraction);
    if (rows.length >= 2) nTest = Math.min(Math.max(nTest, 1), rows.length - 1);
    test.push(...rows.slice(0, nTest));
    train.push(...rows.slice(nTest));
  }
  return { train: Int32Array.from(train).sort(), test: Int32Array.from(test).sort() };
}

/**
 * Stratified k-fold: rows of each class are shuffled and dealt round-robin to the folds,
 * so fold sizes differ by at most one per class. Returns k (train, test) pairs.
 */
export function stratifiedKFold(
  labels: ArrayLike<number>,
  k: number,
  seed = 0,
): Array<{ train: Int32Array; test: Int32Array }> {
  if (!Number.isInteger(k) || k < 2) throw new Error('k must be an integer >= 2');
  if (labels.length < k) throw new Error(`k-fold needs at least k=${k} rows`);
  const rng = new Rng(seed);
  const fold = new Int32Array(labels.length);
  let offset = 0;
  for (const rows of byClass(labels)) {
    rng.shuffle(rows);
    // Continue dealing where the previous class stopped, to balance fold sizes overall.
    rows.forEach((row, i) => {
      fold[row] = (offset + i) % k;
    });
    offset = (offset + rows.length) % k;
  }
  return Array.from({ length: k }, (_, f) => {
    const train: number[] = [];
    const test: number[] = [];
    for (let i = 0; i < fold.length; i++) (fold[i] === f ? test : train).push(i);
    return { train: Int32Array.from(train), test: Int32Array.from(test) };
  });
}

function byClass(labels: ArrayLike<number>): number[][] {
  const groups = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i] as number;
    const g = groups.get(y);
    if (g) g.push(i);
    else groups.set(y, [i]);
  }
  return [...groups.keys()].sort((a, b) => a - b).map((y) => groups.get(y) as number[]);
}
