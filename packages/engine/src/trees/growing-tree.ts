import type { TreeArrays } from './decision-tree-model.js';

/**
 * A tree's node arrays while it grows: typed arrays that double when full (a deep tree
 * has thousands of nodes of K values each; pushing them onto plain arrays cost a tenth
 * of a random forest's fit). New nodes are leaves until `setSplit`.
 */
export class GrowingTree {
  private size = 0;
  private capacity: number;
  private feature: Int32Array;
  private threshold: Float64Array;
  private left: Int32Array;
  private right: Int32Array;
  /** [capacity × width] */
  value: Float64Array;

  constructor(
    readonly width: number,
    capacity = 64,
  ) {
    this.capacity = capacity;
    this.feature = new Int32Array(capacity);
    this.threshold = new Float64Array(capacity);
    this.left = new Int32Array(capacity);
    this.right = new Int32Array(capacity);
    this.value = new Float64Array(capacity * width);
  }

  /** A new leaf; its value is written at value[node × width …]. */
  addNode(): number {
    if (this.size === this.capacity) this.grow();
    const node = this.size++;
    this.feature[node] = -1;
    this.left[node] = -1;
    this.right[node] = -1;
    return node;
  }

  setSplit(node: number, feature: number, threshold: number, left: number, right: number): void {
    this.feature[node] = feature;
    this.threshold[node] = threshold;
    this.left[node] = left;
    this.right[node] = right;
  }

  /** The finished tree, trimmed to its nodes. */
  toArrays(): TreeArrays {
    const n = this.size;
    return {
      feature: this.feature.slice(0, n),
      threshold: this.threshold.slice(0, n),
      left: this.left.slice(0, n),
      right: this.right.slice(0, n),
      value: this.value.slice(0, n * this.width),
      width: this.width,
    };
  }

  private grow(): void {
    const capacity = this.capacity * 2;
    const widen = <T extends Int32Array | Float64Array>(a: T, make: (n: number) => T, scale: number): T => {
      const b = make(capacity * scale);
      b.set(a);
      return b;
    };
    this.feature = widen(this.feature, (n) => new Int32Array(n), 1);
    this.threshold = widen(this.threshold, (n) => new Float64Array(n), 1);
    this.left = widen(this.left, (n) => new Int32Array(n), 1);
    this.right = widen(this.right, (n) => new Int32Array(n), 1);
    this.value = widen(this.value, (n) => new Float64Array(n), this.width);
    this.capacity = capacity;
  }
}
