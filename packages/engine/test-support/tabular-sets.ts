/**
 * Loads a tabular set with its fixed split (shared/data/splits, copied into the fixtures), the same
 * rows scikit-learn used in shared/peers: features are every column but the target, as
 * float64; class labels become indices in sorted order, as numpy.unique gives them.
 */
import { parseCsv } from '../src/frame/csv.js';
import { type DenseMatrix, takeRows } from '../src/linalg/dense-matrix.js';
import { StandardScaler } from '../src/preprocessing/standard-scaler.js';
import { dataText, needsData } from './data-files.js';

export interface TabularSplit {
  xTrain: DenseMatrix;
  xTest: DenseMatrix;
  yTrain: Float64Array;
  yTest: Float64Array;
  classes: string[];
}

export function loadTabularSet(name: string, opts: { standardise?: boolean; classify?: boolean } = {}): TabularSplit {
  const split = JSON.parse(dataText(`splits/${name}.json`)) as {
    dataset: string;
    targetIndex: number;
    test: number[];
  };
  const { rows } = parseCsv(dataText(split.dataset));
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

/** Test options that skip a set kept only in ../shared (spambase and letters are GPL; the repository carries the BSD ones). */
export function tabularSet(name: string): { skip?: string } {
  return needsData(`splits/${name}.json`);
}
