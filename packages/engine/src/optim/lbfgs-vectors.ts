import { instantiateKernel } from '../linalg/wasm-module.js';

/**
 * The vector passes L-BFGS makes over its n-value vectors (lbfgs.ts), and the vectors
 * themselves: in a WebAssembly memory, worked two doubles at a time (linalg/wasm/lbfgs.wat)
 * with the bits of the JavaScript loops, which serve vectors too large for a wasm32
 * memory. A text model's 131k–655k weights made these passes a third of its fit.
 */
export interface LbfgsVectors {
  /** A new vector of the space, zeroed (at most the `count` the space was made for). */
  take(): Float64Array;
  /** dir = −g. */
  negate(g: Float64Array, dir: Float64Array): void;
  /** dir += a·y; returns next·dir in four partial sums (index mod 4), then (d0 + d1) + (d2 + d3). */
  axpyDot(a: number, y: Float64Array, dir: Float64Array, next: Float64Array): number;
  /** dir = factor·src (src may be dir itself); returns next·dir as axpyDot sums it. */
  scaledDot(src: Float64Array, factor: number, dir: Float64Array, next: Float64Array): number;
  /** v /= m. */
  divideBy(v: Float64Array, m: number): void;
  /** out = w + step·dir. */
  stepFrom(w: Float64Array, step: number, dir: Float64Array, out: Float64Array): void;
  /** s = wNew − w, y = gNew − g; returns s·y. */
  differences(
    wNew: Float64Array,
    w: Float64Array,
    gNew: Float64Array,
    g: Float64Array,
    s: Float64Array,
    y: Float64Array,
  ): number;
  dot(a: Float64Array, b: Float64Array): number;
  /** y += a·x. */
  axpy(a: number, x: Float64Array, y: Float64Array): void;
  maxAbs(a: Float64Array): number;
}

/** `count` vectors of n values: in WebAssembly memory when they fit a wasm32 memory. */
export function lbfgsVectors(n: number, count: number): LbfgsVectors {
  return count * paddedLength(n) * 8 <= MAX_BYTES ? new WasmVectors(n, count) : new ArrayVectors(n);
}

const MAX_BYTES = 4 * 1024 * 1024 * 1024 - 65536;

/** n rounded up to even: every vector starts 16-byte aligned. */
function paddedLength(n: number): number {
  return n + (n & 1);
}

interface LbfgsExports {
  axpy_dot(a: number, y: number, dir: number, next: number, n: number): number;
  scaled_dot(src: number, factor: number, dir: number, next: number, n: number): number;
  step_from(w: number, step: number, dir: number, out: number, n: number): void;
  axpy(a: number, x: number, y: number, n: number): void;
  differences(wNew: number, w: number, gNew: number, g: number, s: number, y: number, n: number): number;
  dot(a: number, b: number, n: number): number;
  max_abs(a: number, n: number): number;
  negate(g: number, dir: number, n: number): void;
  divide_by(v: number, m: number, n: number): void;
}

/** Vectors are views of one memory; a pass gets their byte offsets. */
class WasmVectors implements LbfgsVectors {
  private readonly memory: WebAssembly.Memory;
  private readonly kernel: LbfgsExports;
  private taken = 0;

  constructor(
    private readonly n: number,
    private readonly count: number,
  ) {
    this.memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil((count * paddedLength(n) * 8) / 65536)) });
    this.kernel = instantiateKernel<LbfgsExports>('lbfgs.wasm', { memory: this.memory });
  }

  take(): Float64Array {
    if (this.taken === this.count) throw new Error(`all ${this.count} vectors are taken`);
    const at = this.taken++ * paddedLength(this.n) * 8;
    return new Float64Array(this.memory.buffer, at, this.n);
  }

  negate(g: Float64Array, dir: Float64Array): void {
    this.kernel.negate(g.byteOffset, dir.byteOffset, this.n);
  }

  axpyDot(a: number, y: Float64Array, dir: Float64Array, next: Float64Array): number {
    return this.kernel.axpy_dot(a, y.byteOffset, dir.byteOffset, next.byteOffset, this.n);
  }

  scaledDot(src: Float64Array, factor: number, dir: Float64Array, next: Float64Array): number {
    return this.kernel.scaled_dot(src.byteOffset, factor, dir.byteOffset, next.byteOffset, this.n);
  }

  divideBy(v: Float64Array, m: number): void {
    this.kernel.divide_by(v.byteOffset, m, this.n);
  }

  stepFrom(w: Float64Array, step: number, dir: Float64Array, out: Float64Array): void {
    this.kernel.step_from(w.byteOffset, step, dir.byteOffset, out.byteOffset, this.n);
  }

  differences(
    wNew: Float64Array,
    w: Float64Array,
    gNew: Float64Array,
    g: Float64Array,
    s: Float64Array,
    y: Float64Array,
  ): number {
    const k = this.kernel;
    return k.differences(
      wNew.byteOffset,
      w.byteOffset,
      gNew.byteOffset,
      g.byteOffset,
      s.byteOffset,
      y.byteOffset,
      this.n,
    );
  }

  dot(a: Float64Array, b: Float64Array): number {
    return this.kernel.dot(a.byteOffset, b.byteOffset, this.n);
  }

  axpy(a: number, x: Float64Array, y: Float64Array): void {
    this.kernel.axpy(a, x.byteOffset, y.byteOffset, this.n);
  }

  maxAbs(a: Float64Array): number {
    return this.kernel.max_abs(a.byteOffset, this.n);
  }
}

/**
 * The same passes as JavaScript loops over ordinary arrays. Each is a function of its own,
 * called hundreds of times a fit: V8 optimises them after a few calls (inline in lbfgs,
 * which runs once per fit, each loop waited for on-stack replacement).
 */
export class ArrayVectors implements LbfgsVectors {
  constructor(private readonly n: number) {}

  take(): Float64Array {
    return new Float64Array(this.n);
  }

  negate(g: Float64Array, dir: Float64Array): void {
    negate(g, dir);
  }

  axpyDot(a: number, y: Float64Array, dir: Float64Array, next: Float64Array): number {
    return axpyDot(a, y, dir, next);
  }

  scaledDot(src: Float64Array, factor: number, dir: Float64Array, next: Float64Array): number {
    return scaledDot(src, factor, dir, next);
  }

  divideBy(v: Float64Array, m: number): void {
    divideBy(v, m);
  }

  stepFrom(w: Float64Array, step: number, dir: Float64Array, out: Float64Array): void {
    stepFrom(w, step, dir, out);
  }

  differences(
    wNew: Float64Array,
    w: Float64Array,
    gNew: Float64Array,
    g: Float64Array,
    s: Float64Array,
    y: Float64Array,
  ): number {
    return differences(wNew, w, gNew, g, s, y);
  }

  dot(a: Float64Array, b: Float64Array): number {
    return dot(a, b);
  }

  axpy(a: number, x: Float64Array, y: Float64Array): void {
    axpy(a, x, y);
  }

  maxAbs(a: Float64Array): number {
    return maxAbs(a);
  }
}

/** dir = −g. */
function negate(g: Float64Array, dir: Float64Array): void {
  for (let i = 0; i < g.length; i++) dir[i] = -(g[i] as number);
}

/**
 * dir += a·y; returns next·dir. The dot product in four interleaved partial sums: one
 * running sum waits on each addition (4 cycles), and this pass, 2m times an iteration
 * over every weight, was 28% of a text model's fit (1.7 → 1.1 ns a weight).
 */
function axpyDot(a: number, y: Float64Array, dir: Float64Array, next: Float64Array): number {
  const n = dir.length;
  const n4 = n & ~3;
  let d0 = 0;
  let d1 = 0;
  let d2 = 0;
  let d3 = 0;
  let i = 0;
  for (; i < n4; i += 4) {
    const v0 = (dir[i] as number) + a * (y[i] as number);
    const v1 = (dir[i + 1] as number) + a * (y[i + 1] as number);
    const v2 = (dir[i + 2] as number) + a * (y[i + 2] as number);
    const v3 = (dir[i + 3] as number) + a * (y[i + 3] as number);
    dir[i] = v0;
    dir[i + 1] = v1;
    dir[i + 2] = v2;
    dir[i + 3] = v3;
    d0 += (next[i] as number) * v0;
    d1 += (next[i + 1] as number) * v1;
    d2 += (next[i + 2] as number) * v2;
    d3 += (next[i + 3] as number) * v3;
  }
  for (; i < n; i++) {
    const v = (dir[i] as number) + a * (y[i] as number);
    dir[i] = v;
    d0 += (next[i] as number) * v;
  }
  return d0 + d1 + (d2 + d3);
}

/**
 * dir = factor·src (src may be dir itself); returns next·dir, in four partial sums as
 * axpyDot. −1·g is −g exactly, so the first pass of the recursion uses it too.
 */
function scaledDot(src: Float64Array, factor: number, dir: Float64Array, next: Float64Array): number {
  const n = dir.length;
  const n4 = n & ~3;
  let d0 = 0;
  let d1 = 0;
  let d2 = 0;
  let d3 = 0;
  let i = 0;
  for (; i < n4; i += 4) {
    const v0 = (src[i] as number) * factor;
    const v1 = (src[i + 1] as number) * factor;
    const v2 = (src[i + 2] as number) * factor;
    const v3 = (src[i + 3] as number) * factor;
    dir[i] = v0;
    dir[i + 1] = v1;
    dir[i + 2] = v2;
    dir[i + 3] = v3;
    d0 += (next[i] as number) * v0;
    d1 += (next[i + 1] as number) * v1;
    d2 += (next[i + 2] as number) * v2;
    d3 += (next[i + 3] as number) * v3;
  }
  for (; i < n; i++) {
    const v = (src[i] as number) * factor;
    dir[i] = v;
    d0 += (next[i] as number) * v;
  }
  return d0 + d1 + (d2 + d3);
}

/** v /= m. */
function divideBy(v: Float64Array, m: number): void {
  for (let i = 0; i < v.length; i++) v[i] = (v[i] as number) / m;
}

/** out = w + step·dir. */
function stepFrom(w: Float64Array, step: number, dir: Float64Array, out: Float64Array): void {
  for (let i = 0; i < w.length; i++) out[i] = (w[i] as number) + step * (dir[i] as number);
}

/** s = wNew − w, y = gNew − g; returns s·y. */
function differences(
  wNew: Float64Array,
  w: Float64Array,
  gNew: Float64Array,
  g: Float64Array,
  s: Float64Array,
  y: Float64Array,
): number {
  let sy = 0;
  for (let i = 0; i < w.length; i++) {
    const si = (wNew[i] as number) - (w[i] as number);
    const yi = (gNew[i] as number) - (g[i] as number);
    s[i] = si;
    y[i] = yi;
    sy += si * yi;
  }
  return sy;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < x.length; i++) y[i] = (y[i] as number) + a * (x[i] as number);
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] as number));
  return m;
}
