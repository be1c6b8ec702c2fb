import type { Tensor } from '../tensor.js';

/**
 * Something that runs one model version: an ONNX Runtime session today, the engine's
 * native predictors beside it later. Inputs are by name and already validated against
 * the signature; every requested output comes back by name.
 */
export interface ModelRuntime {
  /** Estimated resident memory, for the loaded-model budget. */
  readonly memoryBytes: number;
  run(inputs: Tensor[], outputNames: readonly string[]): Promise<Map<string, Tensor>>;
  dispose(): Promise<void>;
}
