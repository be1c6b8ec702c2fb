const QUOTE = 0x22;
export const COMMA = 0x2c;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const COLON = 0x3a;
export const OPEN_ARRAY = 0x5b;
export const CLOSE_ARRAY = 0x5d;
export const OPEN_OBJECT = 0x7b;
export const CLOSE_OBJECT = 0x7d;
// 10^0 … 10^22: exactly representable, so one multiplication or division by them rounds once.
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);
// Numbers are gathered here; the caller copies them out (parsing is synchronous).
let scratch = new Float64Array(1024);

/**
 * A reader over the bytes of a JSON text for decoders of one known request shape: it
 * consumes tokens where the caller expects them and says false (or -1) at anything else,
 * so the caller can leave the request to a general parser. It makes no JavaScript value
 * per number and no string per key; numbers that one rounding cannot read exactly as
 * JSON.parse does (more than 15 significant digits, an exponent past ±22) are refused.
 */
export class JsonByteReader {
  private p = 0;
  /** The last string's text: [from, to). */
  private from = 0;
  private to = 0;
  /** Where the last exponent() ended. */
  private end = 0;
  private readonly b: Uint8Array;

  /** Reads `buf`'s first `length` bytes; `words` are the strings word() and key() know, by id. */
  constructor(
    private readonly buf: Buffer,
    length: number,
    private readonly words: ReadonlyArray<readonly [number, Uint8Array]>,
  ) {
    this.b = new Uint8Array(buf.buffer, buf.byteOffset, length);
  }

  atEnd(): boolean {
    this.space();
    return this.p === this.b.length;
  }

  private space(): void {
    const b = this.b;
    let p = this.p;
    let c = b[p];
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++p];
    this.p = p;
  }

  /** Consumes `byte` (after whitespace) when it is next. */
  take(byte: number): boolean {
    this.space();
    if (this.b[this.p] !== byte) return false;
    this.p++;
    return true;
  }

  /** A string of printable ASCII without escapes, its text at [from, to); false for any other value. */
  string(): boolean {
    if (!this.take(QUOTE)) return false;
    const b = this.b;
    let p = this.p;
    for (let c = b[p]; c !== QUOTE; c = b[++p]) {
      if (c === undefined || c < 0x20 || c >= 0x7f || c === 0x5c) return false;
    }
    this.from = this.p;
    this.to = p;
    this.p = p + 1;
    return true;
  }

  /** The last string() as text. */
  text(): string {
    return this.buf.toString('latin1', this.from, this.to);
  }

  /** Which known word the next value is: 0 for another string (its text in text()), -1 for anything else. */
  word(): number {
    if (!this.string()) return -1;
    const n = this.to - this.from;
    for (const [id, w] of this.words) {
      if (w.length !== n) continue;
      let i = 0;
      while (i < n && this.b[this.from + i] === w[i]) i++;
      if (i === n) return id;
    }
    return 0;
  }

  /** `"key":` as a known word; -1 when it is not a plain string followed by a colon. */
  key(): number {
    const w = this.word();
    return this.take(COLON) ? w : -1;
  }

  /** `true` or `false` as 1 or 0; -1 for anything else. */
  boolean(): number {
    this.space();
    const b = this.b;
    const p = this.p;
    if (b[p] === 0x74 && b[p + 1] === 0x72 && b[p + 2] === 0x75 && b[p + 3] === 0x65) {
      this.p = p + 4;
      return 1;
    }
    if (b[p] === 0x66 && b[p + 1] === 0x61 && b[p + 2] === 0x6c && b[p + 3] === 0x73 && b[p + 4] === 0x65) {
      this.p = p + 5;
      return 0;
    }
    return -1;
  }

  /** A whole number without sign, fraction or exponent, at most 15 digits; -1 for anything else. */
  wholeNumber(): number {
    this.space();
    const b = this.b;
    let c = b[this.p] as number;
    if (c < ZERO || c > NINE || (c === ZERO && isDigit(b[this.p + 1]))) return -1; // JSON has no leading zeros
    let v = 0;
    let digits = 0;
    do {
      v = v * 10 + (c - ZERO);
      digits++;
      c = b[++this.p] as number;
    } while (c >= ZERO && c <= NINE);
    return digits > 15 || c === DOT || c === 0x65 || c === 0x45 ? -1 : v;
  }

  /** `[d, …]` of wholeNumber()s. */
  wholeNumbers(): number[] | undefined {
    if (!this.take(OPEN_ARRAY)) return undefined;
    const out: number[] = [];
    if (this.take(CLOSE_ARRAY)) return out;
    do {
      const v = this.wholeNumber();
      if (v < 0) return undefined;
      out.push(v);
    } while (this.take(COMMA));
    return this.take(CLOSE_ARRAY) ? out : undefined;
  }

  /** The first `count` numbers the last numbers() read, until the next call. */
  gathered(count: number): Float64Array {
    return scratch.subarray(0, count);
  }

  /** A flat array of JSON numbers, gathered(): their count, or -1. */
  numbers(): number {
    if (!this.take(OPEN_ARRAY)) return -1;
    if (this.take(CLOSE_ARRAY)) return 0;
    // One loop with the position in a local: this is where the time goes. Digits gather in
    // an int32 (a chain of double multiply-adds costs a third more a number): at most 9 of
    // them, a fraction's leading zeros counted; a longer number reads the array again the
    // wide way.
    const b = this.b;
    const from = this.p;
    let nums = scratch;
    let p = from;
    let n = 0;
    for (;;) {
      let c = b[p] as number;
      while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++p] as number;
      const negative = c === MINUS;
      if (negative) c = b[++p] as number;
      let mantissa = 0;
      let digits = 0;
      let exp10 = 0;
      if (c === ZERO) {
        c = b[++p] as number;
        if (c >= ZERO && c <= NINE) return -1; // no leading zeros
      } else if (c > ZERO && c <= NINE) {
        do {
          if (digits === 9) return this.numbersWide(from);
          mantissa = (mantissa * 10 + (c - ZERO)) | 0;
          digits++;
          c = b[++p] as number;
        } while (c >= ZERO && c <= NINE);
      } else return -1;
      if (c === DOT) {
        c = b[++p] as number;
        if (!(c >= ZERO && c <= NINE)) return -1;
        do {
          if (digits === 9) return this.numbersWide(from);
          mantissa = (mantissa * 10 + (c - ZERO)) | 0;
          digits++;
          exp10--;
          c = b[++p] as number;
        } while (c >= ZERO && c <= NINE);
      }
      if (c === 0x65 || c === 0x45) {
        const e = this.exponent(p);
        if (Number.isNaN(e)) return -1;
        exp10 += e;
        p = this.end;
        c = b[p] as number;
      }
      // As in numbersWide: an integer below 10^9 scaled once by an exact power of ten.
      if (exp10 < -22 || exp10 > 22) return -1;
      const v = exp10 < 0 ? mantissa / (POW10[-exp10] as number) : mantissa * (POW10[exp10] as number);
      if (n === nums.length) nums = growScratch();
      nums[n++] = negative ? -v : v;
      while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++p] as number;
      p++;
      if (c === COMMA) continue;
      if (c !== CLOSE_ARRAY) return -1;
      this.p = p;
      return n;
    }
  }

  /**
   * numbers() for arrays with a number of more than 9 digits, from `from` (after the `[`):
   * the digits gather in a double, up to 15 significant ones. numbers()'s loop written out
   * again on purpose: one loop for both would let these doubles into the other's int32
   * arithmetic (V8 types a variable by everything it has held).
   */
  private numbersWide(from: number): number {
    const b = this.b;
    let nums = scratch;
    let p = from;
    let n = 0;
    for (;;) {
      let c = b[p] as number;
      while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++p] as number;
      const negative = c === MINUS;
      if (negative) c = b[++p] as number;
      let mantissa = 0;
      let digits = 0;
      let exp10 = 0;
      if (c === ZERO) {
        c = b[++p] as number;
        if (c >= ZERO && c <= NINE) return -1; // no leading zeros
      } else if (c > ZERO && c <= NINE) {
        do {
          mantissa = mantissa * 10 + (c - ZERO);
          digits++;
          c = b[++p] as number;
        } while (c >= ZERO && c <= NINE);
      } else return -1;
      if (c === DOT) {
        c = b[++p] as number;
        if (!(c >= ZERO && c <= NINE)) return -1;
        do {
          mantissa = mantissa * 10 + (c - ZERO);
          if (mantissa > 0) digits++;
          exp10--;
          c = b[++p] as number;
        } while (c >= ZERO && c <= NINE);
      }
      if (c === 0x65 || c === 0x45) {
        const e = this.exponent(p);
        if (Number.isNaN(e)) return -1;
        exp10 += e;
        p = this.end;
        c = b[p] as number;
      }
      // Only where one rounding gives JSON.parse's double: an integer below 2^53 scaled once
      // by an exact power of ten. Other numbers go the general way.
      if (digits > 15 || exp10 < -22 || exp10 > 22) return -1;
      const v = exp10 < 0 ? mantissa / (POW10[-exp10] as number) : mantissa * (POW10[exp10] as number);
      if (n === nums.length) nums = growScratch();
      nums[n++] = negative ? -v : v;
      while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++p] as number;
      p++;
      if (c === COMMA) continue;
      if (c !== CLOSE_ARRAY) return -1;
      this.p = p;
      return n;
    }
  }

  /** The exponent of a number, `p` at its `e` or `E` (its end in `end`); NaN when it has no digits. */
  private exponent(p: number): number {
    const b = this.b;
    let c = b[++p] as number;
    let negative = false;
    if (c === 0x2b || c === MINUS) {
      negative = c === MINUS;
      c = b[++p] as number;
    }
    if (!(c >= ZERO && c <= NINE)) return Number.NaN;
    let e = 0;
    do {
      if (e < 100_000) e = e * 10 + (c - ZERO);
      c = b[++p] as number;
    } while (c >= ZERO && c <= NINE);
    this.end = p;
    return negative ? -e : e;
  }
}

/** The scratch buffer at twice its size, what it held kept. */
function growScratch(): Float64Array<ArrayBuffer> {
  const grown = new Float64Array(scratch.length * 2);
  grown.set(scratch);
  scratch = grown;
  return grown;
}

function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= ZERO && c <= NINE;
}
