import type { InferRequest, Tensor } from '../../serving/tensor.js';
import { allocate } from '../../serving/tensor.js';

/**
 * The request nearly every client sends, read straight from the bytes into typed arrays:
 *   {"inputs":[{"name":"…","shape":[…],"datatype":"FP32"|"FP64","data":[…]}, …]}
 * (the four keys in any order, whitespace anywhere JSON allows it). No JavaScript value is
 * made per number and no document is built (measured: ~1 µs a 20-value row against ~2 µs
 * for JSON.parse plus checks). Anything else — another key, escapes in a name, a nested
 * or mismatched `data`, a number needing more than 15 digits — answers undefined and the
 * general decoder reads the request, so this path only ever accepts what that one would
 * decode to the same tensors.
 */
export function decodeCommonInfer(body: Buffer): InferRequest | undefined {
  const r = new Reader(body);
  if (!r.take(OPEN_OBJECT) || r.key() !== INPUTS || !r.take(OPEN_ARRAY)) return undefined;
  const inputs: Tensor[] = [];
  do {
    const t = r.input();
    if (!t) return undefined;
    inputs.push(t);
  } while (r.take(COMMA));
  if (!r.take(CLOSE_ARRAY) || !r.take(CLOSE_OBJECT) || !r.atEnd()) return undefined;
  return { id: undefined, inputs, outputs: undefined, binaryOutputs: false, parameters: undefined };
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const COLON = 0x3a;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
// 10^0 … 10^22: exactly representable, so one multiplication or division by them rounds once.
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);
// The words this reader knows, compared as bytes: no string is made for a key.
const INPUTS = 1;
const NAME = 2;
const SHAPE = 3;
const DATATYPE = 4;
const DATA = 5;
const FP32 = 6;
const FP64 = 7;
const WORDS: Array<[number, Uint8Array]> = (
  [
    [INPUTS, 'inputs'],
    [NAME, 'name'],
    [SHAPE, 'shape'],
    [DATATYPE, 'datatype'],
    [DATA, 'data'],
    [FP32, 'FP32'],
    [FP64, 'FP64'],
  ] as const
).map(([id, w]) => [id, Buffer.from(w, 'latin1')]);
// Numbers are gathered here, then copied into the tensor (parsing is synchronous).
let scratch = new Float64Array(1024);

class Reader {
  private p = 0;
  /** The last string's text: [from, to). */
  private from = 0;
  private to = 0;
  /** Where the last exponent() ended. */
  private end = 0;
  private readonly b: Uint8Array;
  constructor(private readonly buf: Buffer) {
    this.b = new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
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
  private string(): boolean {
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

  /** Which known word the next value is: 0 for another string, -1 for anything else. */
  word(): number {
    if (!this.string()) return -1;
    const n = this.to - this.from;
    for (const [id, w] of WORDS) {
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

  input(): Tensor | undefined {
    if (!this.take(OPEN_OBJECT)) return undefined;
    let name: string | undefined;
    let datatype: 'FP32' | 'FP64' | undefined;
    let shape: number[] | undefined;
    let count = -1;
    do {
      const key = this.key();
      if (key === NAME && name === undefined) {
        if (!this.string() || this.to === this.from) return undefined;
        name = this.buf.toString('latin1', this.from, this.to);
      } else if (key === DATATYPE && datatype === undefined) {
        const d = this.word();
        if (d !== FP32 && d !== FP64) return undefined;
        datatype = d === FP32 ? 'FP32' : 'FP64';
      } else if (key === SHAPE && shape === undefined) {
        shape = this.shape();
        if (!shape) return undefined;
      } else if (key === DATA && count < 0) {
        count = this.numbers();
        if (count < 0) return undefined;
      } else return undefined;
    } while (this.take(COMMA));
    if (!this.take(CLOSE_OBJECT) || name === undefined || !datatype || !shape || count < 0) return undefined;
    let elements = 1;
    for (const d of shape) elements *= d;
    if (elements !== count) return undefined;
    const data = allocate(datatype, count) as Float32Array | Float64Array;
    data.set(scratch.subarray(0, count));
    return { name, datatype, shape, data };
  }

  /** `[d, …]` of whole numbers without sign, fraction or exponent, at most 15 digits each. */
  private shape(): number[] | undefined {
    if (!this.take(OPEN_ARRAY)) return undefined;
    const out: number[] = [];
    if (this.take(CLOSE_ARRAY)) return out;
    const b = this.b;
    do {
      this.space();
      let c = b[this.p] as number;
      if (c < ZERO || c > NINE || (c === ZERO && isDigit(b[this.p + 1]))) return undefined; // JSON has no leading zeros
      let v = 0;
      let digits = 0;
      do {
        v = v * 10 + (c - ZERO);
        digits++;
        c = b[++this.p] as number;
      } while (c >= ZERO && c <= NINE);
      if (digits > 15 || c === DOT || c === 0x65 || c === 0x45) return undefined;
      out.push(v);
    } while (this.take(COMMA));
    return this.take(CLOSE_ARRAY) ? out : undefined;
  }

  /** A flat array of JSON numbers into the scratch buffer: their count, or -1. */
  private numbers(): number {
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
