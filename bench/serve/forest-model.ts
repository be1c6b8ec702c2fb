import { learnerToOnnx, RandomForest, Rng } from '@marquee/engine';

/**
 * A trained 100-tree random forest (the engine's RandomForest, scikit-learn's defaults) on
 * a synthetic 20-feature, 2-class problem of 8,000 rows (a noisy non-linear rule), as
 * ONNX: `input-0` FP32 [N,20] → `label` INT64 [N], `probabilities` FP32 [N,2]. Trees
 * grow to purity, as in scikit-learn, so the model is as deep as a real one.
 */
export function randomForestModel(trees = 100, rows = 8000, features = 20, seed = 7): Uint8Array {
  const rng = new Rng(seed);
  const x = new Float64Array(rows * features);
  const y = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    for (let f = 0; f < features; f++) x[r * features + f] = rng.normal() * 2;
    const a = x[r * features] as number;
    const b = x[r * features + 1] as number;
    const c = x[r * features + 2] as number;
    const score = Math.sin(a) + 0.5 * b * c - 0.3 * (x[r * features + 3] as number) + rng.normal() * 0.5;
    y[r] = score > 0 ? 1 : 0;
  }
  const rf = new RandomForest({ nEstimators: trees }).fit({ rows, cols: features, data: x }, y, { seed });
  return learnerToOnnx(rf, { inputName: 'input-0' });
}
