/**
 * Solves A x = b for a symmetric positive-definite A (n × n, row-major) by Cholesky
 * factorisation, A = L Lᵀ. When A is only semi-definite (collinear features and no
 * ridge penalty), a jitter of 1e-10 × trace/n is added to the diagonal and the
 * factorisation retried, which gives the minimum-norm-like solution least squares wants.
 */
export function choleskySolve(a: Float64Array, b: Float64Array, n: number): Float64Array {
  let trace = 0;
  for (let i = 0; i < n; i++) trace += a[i * n + i] as number;
  for (let attempt = 0; attempt < 6; attempt++) {
    const jitter = attempt === 0 ? 0 : (1e-10 * 10 ** (attempt - 1) * trace) / Math.max(n, 1);
    const l = factor(a, n, jitter);
    if (l) return substitute(l, b, n);
  }
  throw new Error('matrix is not positive definite');
}

/**
 * The inverse of a symmetric positive-definite A (n × n, row-major), through A = L Lᵀ:
 * A⁻¹ = L⁻ᵀ L⁻¹, about n³ multiply-adds in all.
 */
export function choleskyInverse(a: Float64Array, n: number): Float64Array {
  let trace = 0;
  for (let i = 0; i < n; i++) trace += a[i * n + i] as number;
  let l: Float64Array | undefined;
  for (let attempt = 0; attempt < 6 && !l; attempt++) {
    const jitter = attempt === 0 ? 0 : (1e-10 * 10 ** (attempt - 1) * trace) / Math.max(n, 1);
    l = factor(a, n, jitter);
  }
  if (!l) throw new Error('matrix is not positive definite');
  // L⁻¹, lower triangular, column by column: L · x = e_j.
  const inv = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    inv[j * n + j] = 1 / (l[j * n + j] as number);
    for (let i = j + 1; i < n; i++) {
      let s = 0;
      for (let k = j; k < i; k++) s -= (l[i * n + k] as number) * (inv[k * n + j] as number);
      inv[i * n + j] = s / (l[i * n + i] as number);
    }
  }
  // (L⁻ᵀ L⁻¹)_ij = Σ_k≥max(i,j) inv_ki · inv_kj.
  const out = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const row = k * n;
    for (let i = 0; i <= k; i++) {
      const v = inv[row + i] as number;
      if (v === 0) continue;
      const oi = i * n;
      for (let j = 0; j <= i; j++) out[oi + j] = (out[oi + j] as number) + v * (inv[row + j] as number);
    }
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) out[j * n + i] = out[i * n + j] as number;
  return out;
}

function factor(a: Float64Array, n: number, jitter: number): Float64Array | undefined {
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = (a[j * n + j] as number) + jitter;
    for (let k = 0; k < j; k++) d -= (l[j * n + k] as number) ** 2;
    if (!(d > 0)) return undefined;
    const ljj = Math.sqrt(d);
    l[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j] as number;
      for (let k = 0; k < j; k++) s -= (l[i * n + k] as number) * (l[j * n + k] as number);
      l[i * n + j] = s / ljj;
    }
  }
  return l;
}

function substitute(l: Float64Array, b: Float64Array, n: number): Float64Array {
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i] as number;
    for (let k = 0; k < i; k++) s -= (l[i * n + k] as number) * (y[k] as number);
    y[i] = s / (l[i * n + i] as number);
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i] as number;
    for (let k = i + 1; k < n; k++) s -= (l[k * n + i] as number) * (x[k] as number);
    x[i] = s / (l[i * n + i] as number);
  }
  return x;
}
