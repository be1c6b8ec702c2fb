import { OnnxGraphBuilder } from '@marquee/engine';
import { weights } from '../../test/fixtures/onnx-models.ts';

/**
 * A multi-layer perceptron as plain ONNX (Gemm, Relu, Softmax): `input-0` FP32 [N, sizes[0]]
 * → `probabilities` FP32 [N, last]. Weights are deterministic, scaled by 1/√fan-in so
 * activations stay in range; what is measured is the work, not the answers.
 */
export function mlpModel(sizes: number[]): Uint8Array {
  const b = new OnnxGraphBuilder(`mlp_${sizes.join('_')}`)
    .input('input-0', 'FP32', ['N', sizes[0] as number])
    .output('probabilities', 'FP32', ['N', sizes[sizes.length - 1] as number]);
  let x = 'input-0';
  for (let l = 0; l + 1 < sizes.length; l++) {
    const [fanIn, fanOut] = [sizes[l] as number, sizes[l + 1] as number];
    const w = weights(fanIn * fanOut, 1000 + l).map((v) => v / Math.sqrt(fanIn));
    b.initializer({ name: `w${l}`, datatype: 'FP32', dims: [fanIn, fanOut], values: w });
    b.initializer({ name: `b${l}`, datatype: 'FP32', dims: [fanOut], values: new Array(fanOut).fill(0.01) });
    const last = l + 2 === sizes.length;
    b.node('Gemm', [x, `w${l}`, `b${l}`], [`z${l}`]);
    if (last) b.node('Softmax', [`z${l}`], ['probabilities'], { axis: { int: 1 } });
    else b.node('Relu', [`z${l}`], [`h${l}`]);
    x = `h${l}`;
  }
  return b.build();
}
