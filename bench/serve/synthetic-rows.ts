import { Rng } from '@marquee/engine';

/**
 * The serving benches' training problem: `rows` rows of `features` normal values (σ 2)
 * and a noisy non-linear two-class rule over the first four, so that a learner fitted on
 * it is as large as a real one (deep trees, thousands of support vectors).
 */
export function syntheticRows(rows: number, features: number, seed: number): { x: Float64Array; y: Float64Array } {
  const rng = new Rng(seed);
  const x = new Float64Array(rows * features);
  const y = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    for (let f = 0; f < features; f++) x[r * features + f] = rng.normal() * 2;
    const a = x[r * features] as number;
    const b = x[r * features + 1] as number;
    const c = x[r * features + 2] as number;
    const score = Math.sin(a) + 0.5 * b * c - 0.3 * (x[r * features + 3] as number) + rng.normal() * 0.5;
    y[r] = score > 0 ? 1 : 0;
  }
  return { x, y };
}
