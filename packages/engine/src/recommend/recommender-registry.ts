import { BIAS_BASELINE_DEFAULTS, BiasBaseline } from './bias-baseline.js';
import { EASE_DEFAULTS, Ease } from './ease.js';
import { IMPLICIT_ALS_DEFAULTS, ImplicitAls } from './implicit-als.js';
import { ITEM_KNN_DEFAULTS, ItemKnn } from './item-knn.js';
import { MATRIX_FACTORIZATION_DEFAULTS, MatrixFactorization } from './matrix-factorization.js';
import { POPULARITY_DEFAULTS, Popularity } from './popularity.js';
import type { Recommender, StoredRecommenderState } from './recommender.js';

interface RecommenderDefinition {
  name: string;
  feedback: 'explicit' | 'implicit';
  defaults: Readonly<Record<string, unknown>>;
  create(params: Record<string, unknown>): Recommender;
  restore(params: Record<string, unknown>, state: StoredRecommenderState): Recommender;
}

/** The one registry of recommenders by name (as learner-registry.ts is for learners). */
const DEFINITIONS: RecommenderDefinition[] = [
  {
    name: 'matrix-factorization',
    feedback: 'explicit',
    defaults: MATRIX_FACTORIZATION_DEFAULTS,
    create: (p) => new MatrixFactorization(p),
    restore: (p, s) => MatrixFactorization.restore(p, s),
  },
  {
    name: 'biases',
    feedback: 'explicit',
    defaults: BIAS_BASELINE_DEFAULTS,
    create: (p) => new BiasBaseline(p),
    restore: (p, s) => BiasBaseline.restore(p, s),
  },
  {
    name: 'als',
    feedback: 'implicit',
    defaults: IMPLICIT_ALS_DEFAULTS,
    create: (p) => new ImplicitAls(p),
    restore: (p, s) => ImplicitAls.restore(p, s),
  },
  {
    name: 'item-knn',
    feedback: 'implicit',
    defaults: ITEM_KNN_DEFAULTS,
    create: (p) => new ItemKnn(p),
    restore: (p, s) => ItemKnn.restore(p, s),
  },
  {
    name: 'ease',
    feedback: 'implicit',
    defaults: EASE_DEFAULTS,
    create: (p) => new Ease(p),
    restore: (p, s) => Ease.restore(p, s),
  },
  {
    name: 'popularity',
    feedback: 'implicit',
    defaults: POPULARITY_DEFAULTS,
    create: (p) => new Popularity(p),
    restore: (p, s) => Popularity.restore(p, s),
  },
];

export function recommenderDefinition(name: string): RecommenderDefinition {
  const d = DEFINITIONS.find((x) => x.name === name);
  if (!d) throw new Error(`unknown recommender "${name}" (known: ${DEFINITIONS.map((x) => x.name).join(', ')})`);
  return d;
}

export function recommenderNames(): string[] {
  return DEFINITIONS.map((d) => d.name);
}
