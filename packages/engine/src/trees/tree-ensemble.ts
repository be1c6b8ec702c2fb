import type { SectionArray } from '../artifact/artifact-format.js';
import type { OnnxOutputs } from '../learners/learner.js';
import { argmaxRows } from '../learners/row-scores.js';
import type { DenseMatrix } from '../linalg/dense-matrix.js';
import type { OnnxGraphBuilder } from '../onnx/onnx-graph-builder.js';
import { leafOf, type TreeArrays } from './decision-tree-model.js';
import { treeEnsembleAttributes } from './onnx-tree-attributes.js';

/**
 * Fitted trees and how to use them: classification averages the leaves' class
 * distributions, regression their values. Shared by the decision tree (one tree) and the
 * random forest; stored as concatenated arrays in artifacts; exported as ai.onnx.ml
 * TreeEnsembleClassifier / TreeEnsembleRegressor.
 */
export class TreeEnsemble {
  constructor(
    readonly trees: TreeArrays[],
    readonly classification: boolean,
    readonly nClasses: number,
    readonly nFeatures: number,
  ) {}

  predictProba(x: DenseMatrix): Float64Array {
    const k = this.nClasses;
    const out = new Float64Array(x.rows * k);
    for (const t of this.trees) {
      for (let r = 0; r < x.rows; r++) {
        const leaf = leafOf(t, x.data, r * x.cols);
        for (let c = 0; c < k; c++) out[r * k + c] = (out[r * k + c] as number) + (t.value[leaf * k + c] as number);
      }
    }
    const n = this.trees.length;
    for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) / n;
    return out;
  }

  predictClass(x: DenseMatrix): Int32Array {
    const p = this.predictProba(x);
    const k = this.nClasses;
    return argmaxRows(p, x.rows, k);
  }

  predictValue(x: DenseMatrix): Float64Array {
    const out = new Float64Array(x.rows);
    for (const t of this.trees) {
      for (let r = 0; r < x.rows; r++) out[r] = (out[r] as number) + (t.value[leafOf(t, x.data, r * x.cols)] as number);
    }
    for (let r = 0; r < x.rows; r++) out[r] = (out[r] as number) / this.trees.length;
    return out;
  }

  /** The trees as artifact sections: per-tree node counts, then every tree's arrays end to end. */
  toSections(): Record<string, SectionArray> {
    const sizes = Int32Array.from(this.trees, (t) => t.feature.length);
    const cat = <T extends Int32Array | Float64Array>(pick: (t: TreeArrays) => T, Ctor: new (n: number) => T): T => {
      const out = new Ctor(this.trees.reduce((n, t) => n + pick(t).length, 0));
      let o = 0;
      for (const t of this.trees) {
        out.set(pick(t) as unknown as ArrayLike<number>, o);
        o += pick(t).length;
      }
      return out;
    };
    return {
      treeSizes: sizes,
      feature: cat((t) => t.feature, Int32Array),
      threshold: cat((t) => t.threshold, Float64Array),
      left: cat((t) => t.left, Int32Array),
      right: cat((t) => t.right, Int32Array),
      value: cat((t) => t.value, Float64Array),
    };
  }

  static fromSections(
    s: Record<string, SectionArray>,
    classification: boolean,
    nClasses: number,
    nFeatures: number,
  ): TreeEnsemble {
    const width = classification ? nClasses : 1;
    const trees: TreeArrays[] = [];
    let o = 0;
    for (const size of s.treeSizes as Int32Array) {
      trees.push({
        feature: (s.feature as Int32Array).slice(o, o + size),
        threshold: (s.threshold as Float64Array).slice(o, o + size),
        left: (s.left as Int32Array).slice(o, o + size),
        right: (s.right as Int32Array).slice(o, o + size),
        value: (s.value as Float64Array).slice(o * width, (o + size) * width),
        width,
      });
      o += size;
    }
    return new TreeEnsemble(trees, classification, nClasses, nFeatures);
  }

  addOnnxNodes(graph: OnnxGraphBuilder, input: string): OnnxOutputs {
    const n = this.trees.length;
    // Two classes: ONNX Runtime takes the weight of class 1 alone and answers [0, p]
    // (with both classes' weights its labels come out wrong); [1 − p, p] is rebuilt below.
    const binary = this.classification && this.nClasses === 2;
    const leafWeights = (t: TreeArrays, _ti: number, i: number): Array<[number, number]> => {
      const out: Array<[number, number]> = [];
      for (let c = binary ? 1 : 0; c < t.width; c++) out.push([c, (t.value[i * t.width + c] as number) / n]);
      return out;
    };
    const common = { post_transform: { string: 'NONE' } as const };
    graph.opset('ai.onnx.ml', 3);
    if (this.classification) {
      graph.node(
        'TreeEnsembleClassifier',
        [input],
        ['label', binary ? 'tree_scores' : 'probabilities'],
        {
          ...common,
          ...treeEnsembleAttributes(this.trees, leafWeights, 'class'),
          classlabels_int64s: { ints: Array.from({ length: this.nClasses }, (_, i) => i) },
        },
        'ai.onnx.ml',
      );
      if (binary) {
        // With class 1's weights alone, ONNX Runtime scores [0, p]: rebuild [1 − p, p].
        graph
          .initializer({ name: 'tree_col1_start', datatype: 'INT64', dims: [1], values: [1] })
          .initializer({ name: 'tree_col1_end', datatype: 'INT64', dims: [1], values: [2] })
          .initializer({ name: 'tree_axis1', datatype: 'INT64', dims: [1], values: [1] })
          .initializer({ name: 'tree_one', datatype: 'FP32', dims: [], values: [1] })
          .node('Slice', ['tree_scores', 'tree_col1_start', 'tree_col1_end', 'tree_axis1'], ['tree_p1'])
          .node('Sub', ['tree_one', 'tree_p1'], ['tree_p0'])
          .node('Concat', ['tree_p0', 'tree_p1'], ['probabilities'], { axis: { int: 1 } });
      }
      return { label: 'label', probabilities: 'probabilities' };
    }
    graph
      .node(
        'TreeEnsembleRegressor',
        [input],
        ['tree_value_2d'],
        {
          ...common,
          ...treeEnsembleAttributes(this.trees, leafWeights, 'target'),
          n_targets: { int: 1 },
          aggregate_function: { string: 'SUM' },
        },
        'ai.onnx.ml',
      )
      .initializer({ name: 'tree_flat_shape', datatype: 'INT64', dims: [1], values: [-1] })
      .node('Reshape', ['tree_value_2d', 'tree_flat_shape'], ['value']);
    return { value: 'value' };
  }
}
