/** Runs an exported model in onnxruntime-node on a feature matrix (input `features`, FP32). */
import * as ort from 'onnxruntime-node';
import type { DenseMatrix } from '../src/linalg/dense-matrix.js';

export async function runOnnx(model: Uint8Array, x: DenseMatrix): Promise<Record<string, ort.Tensor>> {
  const session = await ort.InferenceSession.create(model);
  try {
    return await session.run({ features: new ort.Tensor('float32', Float32Array.from(x.data), [x.rows, x.cols]) });
  } finally {
    await session.release();
  }
}
