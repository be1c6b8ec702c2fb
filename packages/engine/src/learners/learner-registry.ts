import { type ArtifactContent, decodeArtifact } from '../artifact/artifact-format.js';
import { DECISION_TREE_DEFAULTS, DecisionTree } from './decision-tree.js';
import { Ensemble } from './ensemble.js';
import { GRADIENT_BOOSTING_DEFAULTS, GradientBoosting } from './gradient-boosting.js';
import { K_MEANS_DEFAULTS, KMeans } from './k-means.js';
import { KERNEL_SVM_DEFAULTS, KernelSvm } from './kernel-svm.js';
import type { Learner, LearnerTask } from './learner.js';
import { LINEAR_REGRESSION_DEFAULTS, LinearRegression } from './linear-regression.js';
import { LINEAR_SVM_DEFAULTS, LinearSvm } from './linear-svm.js';
import { LOGISTIC_REGRESSION_DEFAULTS, LogisticRegression } from './logistic-regression.js';
import { MLP_DEFAULTS, Mlp } from './mlp.js';
import { NAIVE_BAYES_DEFAULTS, NaiveBayes } from './naive-bayes.js';
import { NB_SVM_DEFAULTS, NbSvm } from './nb-svm.js';
import { RANDOM_FOREST_DEFAULTS, RandomForest } from './random-forest.js';

/** How to make a learner from params, and how to restore a fitted one. */
export interface LearnerDefinition {
  name: string;
  /** The tasks it can learn; its `task` param picks one when there are several. */
  tasks: LearnerTask[];
  /** Every parameter with its default. */
  defaults: Readonly<Record<string, unknown>>;
  /** Its fit reads FitOptions.sampleWeight (and so takes class weights). */
  sampleWeights?: true;
  /** Ordinal columns reach it one-hot as well as by rank (trees: a split can then isolate one band). */
  oneHotOrdinals?: true;
  create(params?: Record<string, unknown>): Learner;
  restore(content: ArtifactContent): Learner;
}

/**
 * The one registry of learners by name. The platform asks it; nothing else switches on
 * a learner's name.
 */
const DEFINITIONS: LearnerDefinition[] = [
  {
    name: 'linear-regression',
    tasks: ['regression'],
    defaults: LINEAR_REGRESSION_DEFAULTS,
    create: (p) => new LinearRegression(p, 'linear-regression'),
    restore: (c) => LinearRegression.fromArtifact(c),
  },
  {
    name: 'ridge',
    tasks: ['regression'],
    defaults: { ...LINEAR_REGRESSION_DEFAULTS, alpha: 1 },
    create: (p) => new LinearRegression(p, 'ridge'),
    restore: (c) => LinearRegression.fromArtifact(c),
  },
  {
    name: 'logistic-regression',
    sampleWeights: true,
    tasks: ['classification'],
    defaults: LOGISTIC_REGRESSION_DEFAULTS,
    create: (p) => new LogisticRegression(p),
    restore: (c) => LogisticRegression.fromArtifact(c),
  },
  {
    name: 'decision-tree',
    sampleWeights: true,
    oneHotOrdinals: true,
    tasks: ['classification', 'regression'],
    defaults: DECISION_TREE_DEFAULTS,
    create: (p) => new DecisionTree(p),
    restore: (c) => DecisionTree.fromArtifact(c),
  },
  {
    name: 'random-forest',
    sampleWeights: true,
    oneHotOrdinals: true,
    tasks: ['classification', 'regression'],
    defaults: RANDOM_FOREST_DEFAULTS,
    create: (p) => new RandomForest(p),
    restore: (c) => RandomForest.fromArtifact(c),
  },
  {
    name: 'naive-bayes',
    tasks: ['classification'],
    defaults: NAIVE_BAYES_DEFAULTS,
    create: (p) => new NaiveBayes(p),
    restore: (c) => NaiveBayes.fromArtifact(c),
  },
  {
    name: 'nb-svm',
    tasks: ['classification'],
    defaults: NB_SVM_DEFAULTS,
    create: (p) => new NbSvm(p),
    restore: (c) => NbSvm.fromArtifact(c),
  },
  {
    name: 'k-means',
    tasks: ['clustering'],
    defaults: K_MEANS_DEFAULTS,
    create: (p) => new KMeans(p),
    restore: (c) => KMeans.fromArtifact(c),
  },
  {
    name: 'linear-svm',
    sampleWeights: true,
    tasks: ['classification'],
    defaults: LINEAR_SVM_DEFAULTS,
    create: (p) => new LinearSvm(p),
    restore: (c) => LinearSvm.fromArtifact(c),
  },
  {
    name: 'mlp',
    sampleWeights: true,
    tasks: ['classification', 'regression'],
    defaults: MLP_DEFAULTS,
    create: (p) => new Mlp(p),
    restore: (c) => Mlp.fromArtifact(c),
  },
  {
    name: 'gradient-boosting',
    sampleWeights: true,
    oneHotOrdinals: true,
    tasks: ['classification', 'regression'],
    defaults: GRADIENT_BOOSTING_DEFAULTS,
    create: (p) => new GradientBoosting(p),
    restore: (c) => GradientBoosting.fromArtifact(c),
  },
  {
    name: 'kernel-svm',
    sampleWeights: true,
    tasks: ['classification'],
    defaults: KERNEL_SVM_DEFAULTS,
    create: (p) => new KernelSvm(p),
    restore: (c) => KernelSvm.fromArtifact(c),
  },
  {
    // Its members are learners of this registry (ensemble.ts creates them by name).
    name: 'ensemble',
    tasks: ['classification', 'regression'],
    sampleWeights: true,
    defaults: { task: 'classification', members: [], weights: null },
    create: (p) => new Ensemble(p),
    restore: (c) => Ensemble.fromArtifact(c),
  },
];

const BY_NAME = new Map(DEFINITIONS.map((d) => [d.name, d]));

export function learnerNames(): string[] {
  return [...BY_NAME.keys()];
}

export function learnerDefinition(name: string): LearnerDefinition {
  const d = BY_NAME.get(name);
  if (!d) throw new Error(`unknown learner "${name}" (known: ${learnerNames().join(', ')})`);
  return d;
}

export function createLearner(name: string, params: Record<string, unknown> = {}): Learner {
  return learnerDefinition(name).create(params);
}

/** Restores a fitted learner from its artifact, whatever it is. */
export function loadLearner(artifact: Uint8Array): Learner {
  const content = decodeArtifact(artifact);
  return learnerDefinition(content.learner).restore(content);
}
