import type { OnnxAttributeValue } from '../onnx/onnx-graph-builder.js';
import type { TreeArrays } from './decision-tree-model.js';

/** One leaf's contribution to one output: (output id, weight). */
export type LeafWeights = (tree: TreeArrays, treeIndex: number, node: number) => Array<[number, number]>;

/**
 * The attributes ai.onnx.ml's TreeEnsembleClassifier and TreeEnsembleRegressor share:
 * every node (BRANCH_LEQ with its float32 threshold, or LEAF), plus the leaves' weights
 * under `prefix` ("class" or "target").
 */
export function treeEnsembleAttributes(
  trees: TreeArrays[],
  leafWeights: LeafWeights,
  prefix: 'class' | 'target',
): Record<string, OnnxAttributeValue> {
  const treeIds: number[] = [];
  const nodeIds: number[] = [];
  const featureIds: number[] = [];
  const values: number[] = [];
  const modes: string[] = [];
  const trueIds: number[] = [];
  const falseIds: number[] = [];
  const wTree: number[] = [];
  const wNode: number[] = [];
  const wId: number[] = [];
  const wValue: number[] = [];
  trees.forEach((t, ti) => {
    for (let i = 0; i < t.feature.length; i++) {
      const leaf = (t.feature[i] as number) < 0;
      treeIds.push(ti);
      nodeIds.push(i);
      featureIds.push(leaf ? 0 : (t.feature[i] as number));
      values.push(leaf ? 0 : (t.threshold[i] as number));
      modes.push(leaf ? 'LEAF' : 'BRANCH_LEQ');
      trueIds.push(leaf ? 0 : (t.left[i] as number));
      falseIds.push(leaf ? 0 : (t.right[i] as number));
      if (!leaf) continue;
      for (const [id, w] of leafWeights(t, ti, i)) {
        wTree.push(ti);
        wNode.push(i);
        wId.push(id);
        wValue.push(w);
      }
    }
  });
  return {
    nodes_treeids: { ints: treeIds },
    nodes_nodeids: { ints: nodeIds },
    nodes_featureids: { ints: featureIds },
    nodes_values: { floats: values },
    nodes_modes: { strings: modes },
    nodes_truenodeids: { ints: trueIds },
    nodes_falsenodeids: { ints: falseIds },
    [`${prefix}_treeids`]: { ints: wTree },
    [`${prefix}_nodeids`]: { ints: wNode },
    [`${prefix}_ids`]: { ints: wId },
    [`${prefix}_weights`]: { floats: wValue },
  };
}
