/** Regression metrics, as scikit-learn defines them. */

export function rmse(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  return Math.sqrt(mse(yTrue, yPred));
}

export function mse(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  check(yTrue, yPred);
  let s = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const d = (yTrue[i] as number) - (yPred[i] as number);
    s += d * d;
  }
  return s / yTrue.length;
}

export function mae(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  check(yTrue, yPred);
  let s = 0;
  for (let i = 0; i < yTrue.length; i++) s += Math.abs((yTrue[i] as number) - (yPred[i] as number));
  return s / yTrue.length;
}

/** Coefficient of determination: 1 − SS_res / SS_tot (1 when both are 0, 0 when only SS_tot is). */
export function r2(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  check(yTrue, yPred);
  let mean = 0;
  for (let i = 0; i < yTrue.length; i++) mean += yTrue[i] as number;
  mean /= yTrue.length;
  let ssRes = 0;
  let ssTot = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const y = yTrue[i] as number;
    ssRes += (y - (yPred[i] as number)) ** 2;
    ssTot += (y - mean) ** 2;
  }
  if (ssTot === 0) return ssRes === 0 ? 1 : 0;
  return 1 - ssRes / ssTot;
}

function check(a: ArrayLike<number>, b: ArrayLike<number>): void {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} and ${b.length}`);
  if (a.length === 0) throw new Error('no rows');
}
