import { allocate } from '../../serving/tensor.js';

/**
 * JSON for inference requests, where nearly every byte is a number inside a `data` array:
 * arrays made only of numbers are read straight into a Float64Array (a NumericRun)
 * instead of a JavaScript array of numbers, which saves building (and collecting) one
 * heap value per element. Everything else parses as JSON.parse would. Anything this
 * parser does not accept is handed to JSON.parse, so the two accept exactly the same
 * texts, fail with the same messages, and numbers come out as the same doubles.
 */
export class NumericRun {
  constructor(
    /** The numbers, in order; only the first `length` are used. */
    readonly values: Float64Array,
    readonly length: number,
  ) {}

  toArray(): number[] {
    return Array.from(this.values.subarray(0, this.length));
  }
}

/** Parses `bytes[start, end)` as JSON, number-only arrays as NumericRuns. Throws JSON.parse's SyntaxError. */
export function parseNumericJson(bytes: Buffer, start = 0, end = bytes.length): unknown {
  try {
    return new Parser(bytes, start, end).document();
  } catch (err) {
    if (err !== NOT_MINE) throw err;
    return JSON.parse(bytes.toString('utf8', start, end));
  }
}

/**
 * Replaces every NumericRun in a parsed value with a plain array (for code that wants
 * plain JSON), in place: the parsed document is the caller's own, and a value without
 * runs (JSON.parse's) comes back as it is, not copied.
 */
export function withPlainArrays(value: unknown): unknown {
  if (value instanceof NumericRun) return value.toArray();
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v = value[i];
      if (typeof v === 'object' && v !== null) value[i] = withPlainArrays(v);
    }
    return value;
  }
  if (typeof value === 'object' && value !== null) {
    const o = value as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      const v = o[k];
      if (typeof v !== 'object' || v === null) continue;
      const w = withPlainArrays(v);
      if (w !== v) setOwn(o, k, w);
    }
  }
  return value;
}

/** Thrown inside the parser for anything it leaves to JSON.parse (malformed text above all). */
const NOT_MINE = Symbol('not mine');
const MAX_DEPTH = 256;
// Numbers are gathered here before a run takes its own copy. One buffer for every parse
// (parsing is synchronous): a fresh 8 KB buffer per request cost more than the parse.
const SCRATCH = new Float64Array(1024);
// 10^0 … 10^22: exactly representable, so one multiplication or division by them rounds once.
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

const QUOTE = 0x22;
const COMMA = 0x2c;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const COLON = 0x3a;
const OPEN_ARRAY = 0x5b;
const BACKSLASH = 0x5c;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

function setOwn(o: Record<string, unknown>, key: string, value: unknown): void {
  // JSON.parse makes "__proto__" an own property; a plain assignment would set the prototype.
  if (key === '__proto__')
    Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
  else o[key] = value;
}

class Parser {
  private pos: number;
  private depth = 0;
  /** The same bytes as a plain Uint8Array: the number loop's reads stay monomorphic. */
  private readonly u8: Uint8Array;

  constructor(
    private readonly b: Buffer,
    start: number,
    private readonly end: number,
  ) {
    this.pos = start;
    this.u8 = new Uint8Array(b.buffer, b.byteOffset, b.length);
  }

  document(): unknown {
    const v = this.value();
    this.space();
    if (this.pos !== this.end) throw NOT_MINE;
    return v;
  }

  private space(): void {
    const b = this.b;
    let p = this.pos;
    for (;;) {
      const c = b[p];
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) p++;
      else break;
    }
    this.pos = p;
  }

  private value(): unknown {
    this.space();
    if (this.pos >= this.end) throw NOT_MINE;
    const c = this.b[this.pos] as number;
    if (c === OPEN_OBJECT) return this.object();
    if (c === OPEN_ARRAY) return this.array();
    if (c === QUOTE) return this.string();
    if (c === MINUS || (c >= ZERO && c <= NINE)) return this.number();
    if (this.literal('true')) return true;
    if (this.literal('false')) return false;
    if (this.literal('null')) return null;
    throw NOT_MINE;
  }

  private literal(word: string): boolean {
    if (this.pos + word.length > this.end) return false;
    for (let i = 0; i < word.length; i++) if (this.b[this.pos + i] !== word.charCodeAt(i)) return false;
    this.pos += word.length;
    return true;
  }

  private object(): Record<string, unknown> {
    if (++this.depth > MAX_DEPTH) throw NOT_MINE;
    this.pos++;
    const out: Record<string, unknown> = {};
    this.space();
    if (this.b[this.pos] === CLOSE_OBJECT) {
      this.pos++;
      this.depth--;
      return out;
    }
    for (;;) {
      this.space();
      if (this.b[this.pos] !== QUOTE) throw NOT_MINE;
      const key = this.string();
      this.space();
      if (this.b[this.pos] !== COLON) throw NOT_MINE;
      this.pos++;
      setOwn(out, key, this.value());
      this.space();
      const c = this.b[this.pos];
      this.pos++;
      if (c === COMMA) continue;
      if (c === CLOSE_OBJECT) break;
      throw NOT_MINE;
    }
    this.depth--;
    return out;
  }

  /** An array: a NumericRun when every element is a number, else a plain array. */
  private array(): unknown[] | NumericRun {
    if (++this.depth > MAX_DEPTH) throw NOT_MINE;
    this.pos++;
    this.space();
    if (this.b[this.pos] === CLOSE_ARRAY) {
      this.pos++;
      this.depth--;
      return [];
    }
    const c = this.b[this.pos] as number;
    const run = c === MINUS || (c >= ZERO && c <= NINE) ? this.numbers() : undefined;
    if (run) {
      this.depth--;
      return run;
    }
    const plain: unknown[] = [];
    for (;;) {
      plain.push(this.value());
      this.space();
      const next = this.b[this.pos];
      this.pos++;
      if (next === COMMA) continue;
      if (next === CLOSE_ARRAY) break;
      throw NOT_MINE;
    }
    this.depth--;
    return plain;
  }

  /**
   * The elements of an array that starts with a number, read in one loop while they are
   * numbers; undefined (position unchanged) at the first element that is not, and the
   * array is read again as a plain one.
   */
  private numbers(): NumericRun | undefined {
    const b = this.u8;
    const end = this.end;
    const from = this.pos;
    let nums = SCRATCH;
    let n = 0;
    let p = from;
    for (;;) {
      // One number, JSON's grammar strictly: -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?
      // The same reading as number()'s, written out here on purpose: calling a shared
      // reader per element measured 17.5–18 µs for the 784-value row against 15 µs.
      const start = p;
      let c = b[p] as number;
      const negative = c === MINUS;
      if (negative) c = b[++p] as number;
      let mantissa = 0;
      let digits = 0;
      let exp10 = 0;
      if (c === ZERO) {
        c = b[++p] as number;
        if (c >= ZERO && c <= NINE) throw NOT_MINE; // no leading zeros
      } else if (c > ZERO && c <= NINE) {
        do {
          mantissa = mantissa * 10 + (c - ZERO);
          digits++;
          c = b[++p] as number;
        } while (c >= ZERO && c <= NINE);
      } else {
        this.pos = from;
        return undefined; // not a number: a mixed array
      }
      if (c === DOT) {
        c = b[++p] as number;
        if (!(c >= ZERO && c <= NINE)) throw NOT_MINE;
        do {
          mantissa = mantissa * 10 + (c - ZERO);
          if (mantissa > 0) digits++;
          exp10--;
          c = b[++p] as number;
        } while (c >= ZERO && c <= NINE);
      }
      if (c === 0x65 || c === 0x45) {
        c = b[++p] as number;
        let expNegative = false;
        if (c === 0x2b || c === MINUS) {
          expNegative = c === MINUS;
          c = b[++p] as number;
        }
        if (!(c >= ZERO && c <= NINE)) throw NOT_MINE;
        let e = 0;
        do {
          if (e < 100_000) e = e * 10 + (c - ZERO);
          c = b[++p] as number;
        } while (c >= ZERO && c <= NINE);
        exp10 += expNegative ? -e : e;
      }
      if (p > end) throw NOT_MINE;
      let v: number;
      // Exact: an integer significand below 2^53 scaled by an exactly representable power of ten.
      if (digits <= 15 && exp10 >= -22 && exp10 <= 22) {
        v = exp10 < 0 ? mantissa / (POW10[-exp10] as number) : mantissa * (POW10[exp10] as number);
        if (negative) v = -v;
      } else v = Number(this.b.toString('latin1', start, p));
      if (n === nums.length) {
        const grown = new Float64Array(n * 2);
        grown.set(nums);
        nums = grown;
      }
      nums[n++] = v;
      while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++p] as number;
      p++;
      if (c === COMMA) {
        c = b[p] as number;
        while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++p] as number;
        continue;
      }
      if (c === CLOSE_ARRAY) break;
      if (p > end) throw NOT_MINE;
      this.pos = from;
      return undefined; // something else after a number: let the plain reading say what
    }
    if (p > end) throw NOT_MINE;
    this.pos = p;
    // The scratch buffer is reused by the next array: a run keeps a copy of its own
    // (a small one in the tensors' slab, without an off-heap store of its own).
    if (nums === SCRATCH) {
      const own = allocate('FP64', n) as Float64Array;
      own.set(nums.subarray(0, n));
      return new NumericRun(own, n);
    }
    return new NumericRun(nums, n);
  }

  private string(): string {
    const b = this.b;
    const start = ++this.pos;
    let p = start;
    for (;;) {
      if (p >= this.end) throw NOT_MINE;
      const c = b[p] as number;
      if (c === QUOTE) break;
      // Escapes, control characters (invalid) and UTF-8: left to JSON.parse's string decoding.
      if (c === BACKSLASH || c < 0x20 || c >= 0x80) return this.slowString(start - 1);
      p++;
    }
    this.pos = p + 1;
    return b.toString('latin1', start, p);
  }

  private slowString(quote: number): string {
    const b = this.b;
    let p = quote + 1;
    for (;;) {
      if (p >= this.end) throw NOT_MINE;
      const c = b[p];
      if (c === BACKSLASH) p += 2;
      else if (c === QUOTE) break;
      else p++;
    }
    this.pos = p + 1;
    try {
      return JSON.parse(b.toString('utf8', quote, p + 1)) as string;
    } catch {
      throw NOT_MINE;
    }
  }

  /** JSON's number grammar, strictly; the same double as JSON.parse (Clinger's fast path, else Number()). */
  private number(): number {
    const b = this.b;
    const start = this.pos;
    let p = start;
    const negative = b[p] === MINUS;
    if (negative) p++;
    let c = b[p] as number;
    let mantissa = 0;
    let digits = 0;
    let exp10 = 0;
    if (c === ZERO) {
      c = b[++p] as number;
      if (c >= ZERO && c <= NINE) throw NOT_MINE; // no leading zeros
    } else if (c > ZERO && c <= NINE) {
      do {
        mantissa = mantissa * 10 + (c - ZERO);
        digits++;
        c = b[++p] as number;
      } while (c >= ZERO && c <= NINE);
    } else throw NOT_MINE;
    if (c === DOT) {
      c = b[++p] as number;
      if (!(c >= ZERO && c <= NINE)) throw NOT_MINE;
      do {
        mantissa = mantissa * 10 + (c - ZERO);
        if (mantissa > 0) digits++;
        exp10--;
        c = b[++p] as number;
      } while (c >= ZERO && c <= NINE);
    }
    if (c === 0x65 || c === 0x45) {
      c = b[++p] as number;
      let expNegative = false;
      if (c === 0x2b || c === MINUS) {
        expNegative = c === MINUS;
        c = b[++p] as number;
      }
      if (!(c >= ZERO && c <= NINE)) throw NOT_MINE;
      let e = 0;
      do {
        if (e < 100_000) e = e * 10 + (c - ZERO);
        c = b[++p] as number;
      } while (c >= ZERO && c <= NINE);
      exp10 += expNegative ? -e : e;
    }
    if (p > this.end) throw NOT_MINE;
    this.pos = p;
    // Exact: an integer significand below 2^53 scaled by an exactly representable power of ten.
    if (digits <= 15 && exp10 >= -22 && exp10 <= 22) {
      const v = exp10 < 0 ? mantissa / (POW10[-exp10] as number) : mantissa * (POW10[exp10] as number);
      return negative ? -v : v;
    }
    return Number(b.toString('latin1', start, p));
  }
}
