/**
 * A fitted tree as flat arrays (node i): internal nodes test x[feature] ≤ threshold and go
 * to `left`, else `right`; leaves have feature −1 and `value` holds their class
 * distribution (K values, summing to 1) or their mean (K = 1).
 */
export interface TreeArrays {
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  /** [nodes × K] */
  value: Float64Array;
  /** K: classes, or 1 for regression. */
  width: number;
}

/** The leaf a row lands in (comparing in float32, as ONNX Runtime does). */
export function leafOf(tree: TreeArrays, row: Float64Array | Float32Array, offset: number): number {
  let node = 0;
  for (;;) {
    const f = tree.feature[node] as number;
    if (f < 0) return node;
    node =
      Math.fround(row[offset + f] as number) <= (tree.threshold[node] as number)
        ? (tree.left[node] as number)
        : (tree.right[node] as number);
  }
}

export function nodeCount(tree: TreeArrays): number {
  return tree.feature.length;
}
