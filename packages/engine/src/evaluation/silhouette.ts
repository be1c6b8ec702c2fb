/**
 * Mean silhouette coefficient with euclidean distances (scikit-learn's
 * silhouette_score): for each row, (b − a) / max(a, b), where a is the mean distance to its
 * own cluster and b the smallest mean distance to another cluster; 0 for singletons.
 * X is row-major [n, d]. O(n²·d) time, O(k) memory per row.
 */
export function silhouetteScore(x: ArrayLike<number>, nFeatures: number, labels: ArrayLike<number>): number {
  const n = labels.length;
  if (x.length !== n * nFeatures) throw new Error('x must be [n, nFeatures]');
  let k = 0;
  for (let i = 0; i < n; i++) k = Math.max(k, (labels[i] as number) + 1);
  if (k < 2 || k > n - 1) throw new Error('silhouette needs 2 <= clusters <= n - 1');
  const size = new Int32Array(k);
  for (let i = 0; i < n; i++) {
    const c = labels[i] as number;
    size[c] = (size[c] as number) + 1;
  }
  const sums = new Float64Array(k);
  let total = 0;
  for (let i = 0; i < n; i++) {
    sums.fill(0);
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      let d2 = 0;
      for (let f = 0; f < nFeatures; f++) {
        const diff = (x[i * nFeatures + f] as number) - (x[j * nFeatures + f] as number);
        d2 += diff * diff;
      }
      const c = labels[j] as number;
      sums[c] = (sums[c] as number) + Math.sqrt(d2);
    }
    const own = labels[i] as number;
    if ((size[own] as number) <= 1) continue;
    const a = (sums[own] as number) / ((size[own] as number) - 1);
    let b = Number.POSITIVE_INFINITY;
    for (let c = 0; c < k; c++) {
      if (c !== own && (size[c] as number) > 0) b = Math.min(b, (sums[c] as number) / (size[c] as number));
    }
    total += (b - a) / Math.max(a, b);
  }
  return total / n;
}
