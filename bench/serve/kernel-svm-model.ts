import { KernelSvm, learnerToOnnx } from '@marquee/engine';
import { syntheticRows } from './synthetic-rows.ts';

/**
 * A trained RBF kernel SVM (the engine's KernelSvm, scikit-learn's defaults) on 4,000 rows
 * of the forest's synthetic 20-feature problem, as ONNX (`SVMClassifier`, ~3,000 support
 * vectors, 0.24 MB): the same 20-value request as the logistic regression, with some
 * 40–60 µs of ONNX Runtime's work a row behind it, in a model that fits a core's cache.
 */
export function kernelSvmModel(rows = 4000, features = 20, seed = 7): Uint8Array {
  const { x, y } = syntheticRows(rows, features, seed);
  const svm = new KernelSvm({}).fit({ rows, cols: features, data: x }, y, { seed });
  return learnerToOnnx(svm, { inputName: 'input-0' });
}
