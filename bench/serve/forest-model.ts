import { learnerToOnnx, RandomForest } from '@marquee/engine';
import { syntheticRows } from './synthetic-rows.ts';

/**
 * A trained 100-tree random forest (the engine's RandomForest, scikit-learn's defaults) on
 * a synthetic 20-feature, 2-class problem of 8,000 rows (a noisy non-linear rule), as
 * ONNX: `input-0` FP32 [N,20] → `label` INT64 [N], `probabilities` FP32 [N,2]. Trees
 * grow to purity, as in scikit-learn, so the model is as deep as a real one.
 */
export function randomForestModel(trees = 100, rows = 8000, features = 20, seed = 7): Uint8Array {
  const { x, y } = syntheticRows(rows, features, seed);
  const rf = new RandomForest({ nEstimators: trees }).fit({ rows, cols: features, data: x }, y, { seed });
  return learnerToOnnx(rf, { inputName: 'input-0' });
}
