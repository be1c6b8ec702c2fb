import type { FitOptions } from '../learners/learner.js';
import type { Interactions } from './interactions.js';

/**
 * The shape of every recommender: fitted on interactions (user and item indices), then
 * scoring every item for a known user. Explicit-feedback models also predict a rating.
 * Keys (user and item names) live in RecommenderModel, which wraps these.
 */
export interface Recommender {
  readonly name: string;
  /** `explicit`: learns ratings; `implicit`: learns from interactions as signals of interest. */
  readonly feedback: 'explicit' | 'implicit';
  readonly params: Readonly<Record<string, unknown>>;
  /** What the fit chose on a validation split for the params not given, once fitted (matrix factorisation). */
  readonly selection?: Readonly<Record<string, unknown>>;
  fit(data: Interactions, opts?: FitOptions): this;
  /** A score for every item (higher is better) for user index `user`. */
  scoreItems(user: number): Float64Array;
  /**
   * Explicit models: the predicted rating of `item` by `user` (indices; −1 for unknown),
   * with the interaction's context codes when the model learned context (−1 unknown).
   */
  predictRating?(user: number, item: number, context?: ArrayLike<number>): number;
  /** The learned state as plain arrays and numbers, for the artifact. */
  state(): { numbers: Record<string, number>; arrays: Record<string, Float64Array | Int32Array> };
}

/** A recommender's state as read back from its artifact (arrays not yet checked). */
export type StoredRecommenderState = { numbers: Record<string, number>; arrays: Record<string, unknown> };
