import { OnnxGraphBuilder } from '@marquee/engine';

/**
 * A random-forest-shaped ONNX model (ai.onnx.ml TreeEnsembleClassifier): `trees` full
 * binary trees of `depth` levels over 20 FP32 features, splits and leaf probabilities
 * drawn from a fixed-seed generator. It costs ONNX Runtime what a trained forest of the
 * same size costs; its answers mean nothing. `input-0` [N,20] → `label` INT64 [N],
 * `probabilities` FP32 [N,2].
 */
export function randomForestModel(trees = 100, depth = 10, features = 20, seed = 7): Uint8Array {
  let s = seed >>> 0;
  const rand = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const treeIds: number[] = [];
  const nodeIds: number[] = [];
  const featureIds: number[] = [];
  const values: number[] = [];
  const modes: string[] = [];
  const trueIds: number[] = [];
  const falseIds: number[] = [];
  const classTree: number[] = [];
  const classNode: number[] = [];
  const classIds: number[] = [];
  const classWeights: number[] = [];
  const internal = 2 ** depth - 1;
  const total = 2 ** (depth + 1) - 1;
  for (let t = 0; t < trees; t++) {
    for (let n = 0; n < total; n++) {
      treeIds.push(t);
      nodeIds.push(n);
      if (n < internal) {
        featureIds.push(Math.floor(rand() * features));
        values.push(rand() * 4 - 2);
        modes.push('BRANCH_LEQ');
        trueIds.push(2 * n + 1);
        falseIds.push(2 * n + 2);
      } else {
        featureIds.push(0);
        values.push(0);
        modes.push('LEAF');
        trueIds.push(0);
        falseIds.push(0);
        const p = rand();
        classTree.push(t, t);
        classNode.push(n, n);
        classIds.push(0, 1);
        classWeights.push((1 - p) / trees, p / trees);
      }
    }
  }
  return new OnnxGraphBuilder('random_forest')
    .opset('ai.onnx.ml', 3)
    .input('input-0', 'FP32', ['N', features])
    .output('label', 'INT64', ['N'])
    .output('probabilities', 'FP32', ['N', 2])
    .node(
      'TreeEnsembleClassifier',
      ['input-0'],
      ['label', 'probabilities'],
      {
        nodes_treeids: { ints: treeIds },
        nodes_nodeids: { ints: nodeIds },
        nodes_featureids: { ints: featureIds },
        nodes_values: { floats: values },
        nodes_modes: { strings: modes },
        nodes_truenodeids: { ints: trueIds },
        nodes_falsenodeids: { ints: falseIds },
        class_treeids: { ints: classTree },
        class_nodeids: { ints: classNode },
        class_ids: { ints: classIds },
        class_weights: { floats: classWeights },
        classlabels_int64s: { ints: [0, 1] },
        post_transform: { string: 'NONE' },
      },
      'ai.onnx.ml',
    )
    .build();
}
