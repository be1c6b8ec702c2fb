/**
 * One Adam step over one layer's parameters w (moments m, v) with the gradient
 * first[at…] + second[at…], plus the L2 term (alpha·w/rows) when penalised; returns l2
 * with the layer's Σw² added. A function of its own: within adamStep, V8 compiled this loop
 * on stack replacement before the code after it had run, and deoptimised that code at
 * every later step (insufficient type feedback for the final multiply: ~1,700 times in
 * a 500-epoch fit, half of its time).
 */
export function adamUpdate(
  w: Float64Array,
  m: Float64Array,
  v: Float64Array,
  first: Float64Array,
  second: Float64Array,
  at: number,
  penalised: boolean,
  alpha: number,
  rows: number,
  lrT: number,
  l2: number,
): number {
  let sumSq = l2;
  for (let i = 0; i < w.length; i++) {
    let gi = (first[at + i] as number) + (second[at + i] as number);
    const wi = w[i] as number;
    if (penalised) {
      gi += (alpha * wi) / rows;
      sumSq += wi * wi;
    }
    const mi = 0.9 * (m[i] as number) + 0.1 * gi;
    const vi = 0.999 * (v[i] as number) + 0.001 * gi * gi;
    m[i] = mi;
    v[i] = vi;
    w[i] = wi - (lrT * mi) / (Math.sqrt(vi) + 1e-8);
  }
  return sumSq;
}
