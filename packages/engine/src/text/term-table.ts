/**
 * Terms interned by their UTF-16 code units, ids 0, 1, … in first-seen order, for the
 * vectoriser's fit. A term is looked up by where it sits in a text (a character n-gram is
 * a span of its word), so no string is made for it unless it is new: through a Map, each
 * of the ~8 million character n-grams of 4,000 reviews was a new substring hashed on
 * lookup, the larger part of the char_wb vectoriser's time. Open addressing, linear
 * probing, the table kept at most half full; a term's code units are kept in one pool
 * to compare against.
 */
export class TermTable {
  /** Term id + 1 per slot, 0 for an empty one. */
  private slots = new Int32Array(1 << 12);
  private hashes = new Int32Array(1 << 10);
  private starts = new Int32Array(1 << 10);
  private lengths = new Int32Array(1 << 10);
  private pool = new Uint16Array(1 << 14);
  private used = 0;
  /** The terms by id. */
  readonly terms: string[] = [];

  get size(): number {
    return this.terms.length;
  }

  /** The id of the term text[from, from + length), added when new. */
  idOf(text: string, from: number, length: number): number {
    let h = 0x811c9dc5;
    for (let k = 0; k < length; k++) h = Math.imul(h ^ text.charCodeAt(from + k), 0x01000193);
    const mask = this.slots.length - 1;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot] as number;
      if (entry === 0) return this.add(text, from, length, h, slot);
      const id = entry - 1;
      if (this.hashes[id] === h && this.lengths[id] === length && this.sameCodes(id, text, from, length)) return id;
    }
  }

  private sameCodes(id: number, text: string, from: number, length: number): boolean {
    const { pool } = this;
    const start = this.starts[id] as number;
    for (let k = 0; k < length; k++) if (pool[start + k] !== text.charCodeAt(from + k)) return false;
    return true;
  }

  private add(text: string, from: number, length: number, h: number, slot: number): number {
    const id = this.terms.length;
    if (id === this.hashes.length) {
      this.hashes = grown(this.hashes, id * 2);
      this.starts = grown(this.starts, id * 2);
      this.lengths = grown(this.lengths, id * 2);
    }
    if (this.used + length > this.pool.length) {
      const pool = new Uint16Array(Math.max(this.pool.length * 2, this.used + length));
      pool.set(this.pool.subarray(0, this.used));
      this.pool = pool;
    }
    for (let k = 0; k < length; k++) this.pool[this.used + k] = text.charCodeAt(from + k);
    this.hashes[id] = h;
    this.starts[id] = this.used;
    this.lengths[id] = length;
    this.used += length;
    this.terms.push(text.substr(from, length));
    this.slots[slot] = id + 1;
    if (2 * this.terms.length > this.slots.length) this.rehash();
    return id;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let id = 0; id < this.terms.length; id++) {
      let slot = (this.hashes[id] as number) & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = id + 1;
    }
    this.slots = slots;
  }
}

function grown(a: Int32Array<ArrayBuffer>, size: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(size);
  b.set(a);
  return b;
}
