export { datatypeOfOnnx, OnnxDataType, onnxOfDatatype } from './onnx/onnx-data-type.js';
export type { OnnxAttributeValue, OnnxInitializer } from './onnx/onnx-graph-builder.js';
export { OnnxGraphBuilder } from './onnx/onnx-graph-builder.js';
export type { OnnxModelInfo } from './onnx/onnx-signature.js';
export { InvalidOnnxModel, readOnnxModelInfo } from './onnx/onnx-signature.js';
export type { TensorDatatype, TensorSpec } from './tensor/datatype.js';
export { DATATYPE_SIZE, isTensorDatatype, TENSOR_DATATYPES } from './tensor/datatype.js';
export const ENGINE_VERSION = '0.1.0';
export type { ClassReport } from './evaluation/classification-metrics.js';
export {
  accuracy,
  balancedAccuracy,
  confusionMatrix,
  logLoss,
  precisionRecallF1,
  rocAuc,
  rocAucOvr,
} from './evaluation/classification-metrics.js';
export { mae, mse, r2, rmse } from './evaluation/regression-metrics.js';
export { silhouetteScore } from './evaluation/silhouette.js';
export { stratifiedKFold, stratifiedSplit } from './evaluation/splits.js';
export { Rng } from './random/rng.js';
