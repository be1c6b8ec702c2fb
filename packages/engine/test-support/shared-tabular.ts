/**
 * Loads a tabular set from shared/data with its fixed split (shared/data/splits), the same
 * rows scikit-learn used in shared/peers: features are every column but the target, as
 * float64; class labels become indices in sorted order, as numpy.unique gives them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCsv } from '../src/frame/csv.js';
import { type DenseMatrix, takeRows } from '../src/linalg/dense-matrix.js';
import { StandardScaler } from '../src/preprocessing/standard-scaler.js';

export const SHARED =
  process.env.MARQUEE_SHARED_DIR ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared');

export interface TabularSplit {
  xTrain: DenseMatrix;
  xTest: DenseMatrix;
  yTrain: Float64Array;
  yTest: Float64Array;
  classes: string[];
}

export function loadSharedTabular(
  name: string,
  opts: { standardise?: boolean; classify?: boolean } = {},
): TabularSplit {
  const split = JSON.parse(fs.readFileSync(path.join(SHARED, 'data', 'splits', `${name}.json`), 'utf8')) as {
    dataset: string;
    targetIndex: number;
    test: number[];
  };
  const { rows } = parseCsv(fs.readFileSync(path.join(SHARED, 'data', split.dataset), 'utf8'));
  const d = (rows[0]?.length ?? 1) - 1;
  const all: DenseMatrix = { rows: rows.length, cols: d, data: new Float64Array(rows.length * d) };
  const raw: string[] = [];
  rows.forEach((r, i) => {
    let c = 0;
    r.forEach((v, j) => {
      if (j === split.targetIndex) raw.push(v);
      else all.data[i * d + c++] = Number(v);
    });
  });
  let classes: string[] = [];
  let y: Float64Array;
  if (opts.classify ?? true) {
    const uniq = [...new Set(raw)];
    const numeric = uniq.every((v) => v.trim() !== '' && Number.isFinite(Number(v)));
    classes = numeric ? uniq.sort((a, b) => Number(a) - Number(b)) : uniq.sort();
    const index = new Map(classes.map((c, i) => [c, i]));
    y = Float64Array.from(raw, (v) => index.get(v) as number);
  } else y = Float64Array.from(raw, Number);
  const testSet = new Set(split.test);
  const trainIdx = [...rows.keys()].filter((i) => !testSet.has(i));
  let xTrain = takeRows(all, trainIdx);
  let xTest = takeRows(all, split.test);
  if (opts.standardise) {
    const s = new StandardScaler().fit(xTrain);
    xTrain = s.transform(xTrain);
    xTest = s.transform(xTest);
  }
  return {
    xTrain,
    xTest,
    yTrain: Float64Array.from(trainIdx, (i) => y[i] as number),
    yTest: Float64Array.from(split.test, (i) => y[i] as number),
    classes,
  };
}
