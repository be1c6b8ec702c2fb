import type { Tensor } from '../tensor.js';

/**
 * Something that runs one model version: an ONNX Runtime session today, the engine's
 * native predictors beside it later. Inputs are by name and already validated against
 * the signature; every requested output comes back by name.
 */
export interface ModelRuntime {
  /** Estimated resident memory, for the loaded-model budget. */
  readonly memoryBytes: number;
  /** `parameters`: the request's OIP parameters, for runtimes that take any (a recommender's `k`). */
  run(
    inputs: Tensor[],
    outputNames: readonly string[],
    parameters?: Record<string, string | number | boolean>,
  ): Promise<Map<string, Tensor>>;
  dispose(): Promise<void>;
}
