/**
 * A pure function of a string, remembered for the keys seen lately: at most `limit` keys
 * of at most `maxKeyLength` characters, all forgotten at once when it is full. For the
 * predict path's few names and paths, which it meets on every request: a hit returns the
 * same value (the same string, its hash already computed) without the work; a flood of
 * distinct keys costs the work again, never memory. A key whose work throws is not kept.
 */
export class BoundedMemo<V> {
  private readonly kept = new Map<string, V>();

  constructor(
    private readonly compute: (key: string) => V,
    private readonly limit: number,
    private readonly maxKeyLength = 256,
  ) {}

  get(key: string): V {
    const hit = this.kept.get(key);
    if (hit !== undefined) return hit;
    const value = this.compute(key);
    if (value !== undefined && key.length <= this.maxKeyLength) {
      if (this.kept.size >= this.limit) this.kept.clear();
      this.kept.set(key, value);
    }
    return value;
  }

  /** Keys kept now (tests). */
  get size(): number {
    return this.kept.size;
  }
}
