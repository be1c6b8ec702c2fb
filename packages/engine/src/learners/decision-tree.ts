import type { ArtifactContent } from '../artifact/artifact-format.js';
import { TreeEnsembleLearner, type TreeParams, validateTreeParams } from '../trees/tree-ensemble-learner.js';
import { withDefaults } from './learner.js';

export type DecisionTreeParams = TreeParams;

export const DECISION_TREE_DEFAULTS: DecisionTreeParams = {
  task: 'classification',
  maxDepth: null,
  minSamplesSplit: 2,
  minSamplesLeaf: 1,
  maxFeatures: null,
  maxBins: 256,
};

/** One CART tree (gini or squared error) on every row, as scikit-learn's DecisionTree*. */
export class DecisionTree extends TreeEnsembleLearner<DecisionTreeParams> {
  readonly name = 'decision-tree';

  constructor(params: Partial<DecisionTreeParams> = {}) {
    super(withDefaults('decision-tree', DECISION_TREE_DEFAULTS, params));
    validateTreeParams(this.name, this.params);
  }

  protected treeCount(): number {
    return 1;
  }

  protected bootstrap(): boolean {
    return false;
  }

  static fromArtifact(content: ArtifactContent): DecisionTree {
    return new DecisionTree(content.params as Partial<DecisionTreeParams>).restore(content);
  }
}
