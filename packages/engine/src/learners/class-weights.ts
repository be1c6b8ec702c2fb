/**
 * How much each class counts in a classifier's loss: `"balanced"` weighs class c by
 * n / (K · n_c), as scikit-learn's class_weight="balanced", so that every class carries
 * the same total weight; or a weight per class label (labels not named keep 1).
 */
export type ClassWeight = 'balanced' | Readonly<Record<string, number>>;

/** Per-row weights for class indices `y` (0..K-1, `classes` their labels in index order). */
export function classSampleWeights(
  y: ArrayLike<number>,
  classes: readonly string[],
  weight: ClassWeight,
): Float64Array {
  const k = classes.length;
  const perClass = new Float64Array(k).fill(1);
  if (weight === 'balanced') {
    const counts = new Float64Array(k);
    for (let i = 0; i < y.length; i++) counts[y[i] as number] = (counts[y[i] as number] as number) + 1;
    for (let c = 0; c < k; c++) {
      const nc = counts[c] as number;
      perClass[c] = nc > 0 ? y.length / (k * nc) : 0;
    }
  } else {
    const index = new Map(classes.map((c, i) => [c, i]));
    for (const [label, w] of Object.entries(weight)) {
      const c = index.get(label);
      if (c === undefined) {
        throw new Error(
          `classWeight names "${label}", which is not a class of the target (classes: ${classes.join(', ')})`,
        );
      }
      if (!(typeof w === 'number' && Number.isFinite(w) && w > 0)) {
        throw new Error(`classWeight for "${label}" must be a positive number`);
      }
      perClass[c] = w;
    }
  }
  return Float64Array.from({ length: y.length }, (_, i) => perClass[y[i] as number] as number);
}
