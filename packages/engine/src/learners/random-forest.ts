import type { ArtifactContent } from '../artifact/artifact-format.js';
import type { Rng } from '../random/rng.js';
import { TreeEnsembleLearner, type TreeParams, validateTreeParams } from '../trees/tree-ensemble-learner.js';
import { withDefaults } from './learner.js';

export type RandomForestParams = TreeParams & {
  nEstimators: number;
  /** Each tree sees a bootstrap sample (rows drawn with replacement); false: every row. */
  bootstrap: boolean;
};

/** maxFeatures 'sqrt' for classification; for regression scikit-learn ≥ 1.1 uses every feature (pass null). */
export const RANDOM_FOREST_DEFAULTS: RandomForestParams = {
  task: 'classification',
  nEstimators: 100,
  bootstrap: true,
  maxDepth: null,
  minSamplesSplit: 2,
  minSamplesLeaf: 1,
  maxFeatures: 'sqrt',
  maxBins: 256,
};

/** A random forest: bagged CART trees with features sampled at each split, averaged. */
export class RandomForest extends TreeEnsembleLearner<RandomForestParams> {
  readonly name = 'random-forest';

  constructor(params: Partial<RandomForestParams> = {}) {
    const merged = withDefaults('random-forest', RANDOM_FOREST_DEFAULTS, params);
    if (params.task === 'regression' && params.maxFeatures === undefined) merged.maxFeatures = null;
    super(merged);
    validateTreeParams(this.name, this.params);
    if (!(Number.isInteger(this.params.nEstimators) && this.params.nEstimators >= 1)) {
      throw new Error('random-forest: nEstimators must be >= 1');
    }
  }

  protected treeCount(): number {
    return this.params.nEstimators;
  }

  protected sampleWeights(nRows: number, rng: Rng): Float64Array {
    const w = new Float64Array(nRows);
    if (!this.params.bootstrap) return w.fill(1);
    for (let i = 0; i < nRows; i++) {
      const r = rng.int(nRows);
      w[r] = (w[r] as number) + 1;
    }
    return w;
  }

  static fromArtifact(content: ArtifactContent): RandomForest {
    return new RandomForest(content.params as Partial<RandomForestParams>).restore(content);
  }
}
