export type KernelType = 'rbf' | 'poly' | 'linear';

export interface KernelSpec {
  type: KernelType;
  gamma: number;
  coef0: number;
  degree: number;
}

/** k(a, b) for rows a (at ao) and b (at bo) of length d. */
export function kernel(spec: KernelSpec, a: Float64Array, ao: number, b: Float64Array, bo: number, d: number): number {
  if (spec.type === 'rbf') {
    let s = 0;
    for (let j = 0; j < d; j++) {
      const diff = (a[ao + j] as number) - (b[bo + j] as number);
      s += diff * diff;
    }
    return Math.exp(-spec.gamma * s);
  }
  let dot = 0;
  for (let j = 0; j < d; j++) dot += (a[ao + j] as number) * (b[bo + j] as number);
  return spec.type === 'linear' ? dot : (spec.gamma * dot + spec.coef0) ** spec.degree;
}
