/**
 * Classification metrics over class indices 0..C-1 (as scikit-learn computes them).
 * `yTrue` and `yPred` are parallel arrays; probabilities are row-major [n, C].
 */

export function accuracy(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkLengths(yTrue, yPred);
  let hit = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) hit++;
  return yTrue.length === 0 ? 0 : hit / yTrue.length;
}

/** counts[t * C + p]: rows of true class t predicted as p. */
export function confusionMatrix(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, nClasses: number): Int32Array {
  checkLengths(yTrue, yPred);
  const m = new Int32Array(nClasses * nClasses);
  for (let i = 0; i < yTrue.length; i++) {
    const cell = (yTrue[i] as number) * nClasses + (yPred[i] as number);
    m[cell] = (m[cell] as number) + 1;
  }
  return m;
}

export interface ClassReport {
  precision: Float64Array;
  recall: Float64Array;
  f1: Float64Array;
  support: Int32Array;
  macroPrecision: number;
  macroRecall: number;
  macroF1: number;
}

/** Per-class precision, recall and F1, and their unweighted (macro) means; 0 where undefined. */
export function precisionRecallF1(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, nClasses: number): ClassReport {
  const m = confusionMatrix(yTrue, yPred, nClasses);
  const precision = new Float64Array(nClasses);
  const recall = new Float64Array(nClasses);
  const f1 = new Float64Array(nClasses);
  const support = new Int32Array(nClasses);
  for (let c = 0; c < nClasses; c++) {
    let tp = 0;
    let predicted = 0;
    let actual = 0;
    for (let k = 0; k < nClasses; k++) {
      predicted += m[k * nClasses + c] as number;
      actual += m[c * nClasses + k] as number;
    }
    tp = m[c * nClasses + c] as number;
    support[c] = actual;
    precision[c] = predicted ? tp / predicted : 0;
    recall[c] = actual ? tp / actual : 0;
    const p = precision[c] as number;
    const r = recall[c] as number;
    f1[c] = p + r ? (2 * p * r) / (p + r) : 0;
  }
  return {
    precision,
    recall,
    f1,
    support,
    macroPrecision: mean(precision),
    macroRecall: mean(recall),
    macroF1: mean(f1),
  };
}

/** Mean recall over the classes present in yTrue. */
export function balancedAccuracy(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, nClasses: number): number {
  const { recall, support } = precisionRecallF1(yTrue, yPred, nClasses);
  let sum = 0;
  let present = 0;
  for (let c = 0; c < nClasses; c++) {
    if ((support[c] as number) > 0) {
      sum += recall[c] as number;
      present++;
    }
  }
  return present ? sum / present : 0;
}

/** Mean negative log-likelihood of the true class; probabilities clipped to [eps, 1 - eps]. */
export function logLoss(yTrue: ArrayLike<number>, proba: ArrayLike<number>, nClasses: number, eps = 1e-15): number {
  if (proba.length !== yTrue.length * nClasses) throw new Error('proba must be [n, nClasses]');
  let sum = 0;
  for (let i = 0; i < yTrue.length; i++) {
    // Rows are renormalised first, as scikit-learn does.
    let rowSum = 0;
    for (let c = 0; c < nClasses; c++) rowSum += Math.min(Math.max(proba[i * nClasses + c] as number, eps), 1 - eps);
    const p = Math.min(Math.max(proba[i * nClasses + (yTrue[i] as number)] as number, eps), 1 - eps) / rowSum;
    sum -= Math.log(p);
  }
  return yTrue.length ? sum / yTrue.length : 0;
}

/**
 * Binary ROC AUC: the probability that a random positive scores above a random negative,
 * ties counting one half (the Mann–Whitney statistic, equal to the trapezoidal area).
 */
export function rocAuc(isPositive: ArrayLike<number | boolean>, score: ArrayLike<number>): number {
  checkLengths(isPositive, score);
  const n = score.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (score[a] as number) - (score[b] as number));
  let nPos = 0;
  let rankSumPos = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && score[order[j + 1] as number] === score[order[i] as number]) j++;
    const avgRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (isPositive[order[k] as number]) {
        nPos++;
        rankSumPos += avgRank;
      }
    }
    i = j + 1;
  }
  const nNeg = n - nPos;
  if (nPos === 0 || nNeg === 0) throw new Error('ROC AUC needs both classes in yTrue');
  return (rankSumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

/** One-vs-rest ROC AUC, macro-averaged over classes: proba is [n, C]. */
export function rocAucOvr(yTrue: ArrayLike<number>, proba: ArrayLike<number>, nClasses: number): number {
  if (nClasses === 2) {
    return rocAuc(
      Array.from(yTrue, (y) => (y === 1 ? 1 : 0)),
      Array.from({ length: yTrue.length }, (_, i) => proba[i * 2 + 1] as number),
    );
  }
  let sum = 0;
  for (let c = 0; c < nClasses; c++) {
    sum += rocAuc(
      Array.from(yTrue, (y) => (y === c ? 1 : 0)),
      Array.from({ length: yTrue.length }, (_, i) => proba[i * nClasses + c] as number),
    );
  }
  return sum / nClasses;
}

function mean(a: Float64Array): number {
  let s = 0;
  for (const v of a) s += v;
  return a.length ? s / a.length : 0;
}

function checkLengths(a: ArrayLike<unknown>, b: ArrayLike<unknown>): void {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} and ${b.length}`);
}
