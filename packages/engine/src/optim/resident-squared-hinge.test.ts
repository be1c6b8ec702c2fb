import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CsrMatrix } from '../linalg/csr-matrix.js';
import type { DenseMatrix } from '../linalg/dense-matrix.js';
import { Rng } from '../random/rng.js';
import { ResidentSquaredHinge } from './resident-squared-hinge.js';
import { solveSquaredHingePrimal } from './squared-hinge-newton.js';
import { MatrixSquaredHinge, type SquaredHingeRows } from './squared-hinge-rows.js';

/** n rows of d features, a noisy linear rule's signs, uneven costs. */
function problem(n: number, d: number, seed: number) {
  const rng = new Rng(seed);
  const x: DenseMatrix = { rows: n, cols: d, data: Float64Array.from({ length: n * d }, () => rng.normal()) };
  const s = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let t = 0.3;
    for (let j = 0; j < d; j++) t += (x.data[i * d + j] as number) * (j % 3 === 0 ? 1 : -0.5);
    s[i] = t + 0.8 * rng.normal() > 0 ? 1 : -1;
  }
  const cost = Float64Array.from({ length: n }, (_, i) => (i % 5 === 0 ? 2 : 0.5));
  return { x, s, cost };
}

function sparseCopy(x: DenseMatrix): CsrMatrix {
  const indptr = new Int32Array(x.rows + 1);
  const indices: number[] = [];
  const data: number[] = [];
  for (let i = 0; i < x.rows; i++) {
    for (let j = 0; j < x.cols; j++) {
      const v = x.data[i * x.cols + j] as number;
      if (v !== 0) {
        indices.push(j);
        data.push(v);
      }
    }
    indptr[i + 1] = indices.length;
  }
  return { rows: x.rows, cols: x.cols, indptr, indices: Int32Array.from(indices), data: Float64Array.from(data) };
}

const close = (a: number, b: number, rel: number) => Math.abs(a - b) <= rel * Math.max(1, Math.abs(b));

describe('the squared-hinge passes in WebAssembly (resident X̃) against JavaScript', () => {
  // 7 features: X̃'s 8 doubles are a multiple of four; 9: 10 padded to 12, padding exercised.
  for (const d of [7, 9, 30])
    test(`the loss, gradient and Newton direction agree (${d} features)`, () => {
      const { x, s, cost } = problem(203, d, d);
      const js: SquaredHingeRows = new MatrixSquaredHinge(x, s, cost);
      const wasm = (ResidentSquaredHinge.of(x, cost) as ResidentSquaredHinge).forSigns(s);
      assert.equal(wasm.width % 4, 0);
      const rng = new Rng(1);
      const vJs = js.vector();
      const vWasm = wasm.vector();
      for (let j = 0; j <= d; j++) vJs[j] = vWasm[j] = 0.2 * rng.normal();
      const lossJs = js.trialLoss(vJs);
      assert.ok(lossJs > 0);
      assert.ok(close(wasm.trialLoss(vWasm), lossJs, 1e-12));
      js.accept();
      wasm.accept();
      const [gJs, gWasm] = [js.vector(), wasm.vector()];
      js.gradient(vJs, gJs);
      wasm.gradient(vWasm, gWasm);
      const [dJs, dWasm] = [js.vector(), wasm.vector()];
      js.newtonDirection(gJs, dJs, 2 * (d + 1) + 10);
      wasm.newtonDirection(gWasm, dWasm, 2 * (d + 1) + 10);
      for (let j = 0; j <= d; j++) {
        assert.ok(close(gWasm[j] as number, gJs[j] as number, 1e-12), `g[${j}]`);
        assert.ok(close(dWasm[j] as number, dJs[j] as number, 1e-9), `dir[${j}]`);
      }
      // The padding stays zero, so the bias and the weights are all there is.
      for (let j = d + 1; j < wasm.width; j++) assert.equal(gWasm[j], 0);
      // The direction descends.
      let slope = 0;
      for (let j = 0; j <= d; j++) slope += (gJs[j] as number) * (dJs[j] as number);
      assert.ok(slope < 0);
    });

  test('the solver reaches the same optimum through either, and from a sparse matrix', () => {
    const { x, s, cost } = problem(300, 9, 4);
    let positives = 0;
    for (const v of s) if (v > 0) positives++;
    const resident = ResidentSquaredHinge.of(x, cost) as ResidentSquaredHinge;
    const a = solveSquaredHingePrimal(resident.forSigns(s), positives, 1e-10, 100);
    const b = solveSquaredHingePrimal(new MatrixSquaredHinge(x, s, cost), positives, 1e-10, 100);
    const c = solveSquaredHingePrimal(new MatrixSquaredHinge(sparseCopy(x), s, cost), positives, 1e-10, 100);
    assert.equal(a.length, 10);
    for (let j = 0; j < 10; j++) {
      assert.ok(close(a[j] as number, b[j] as number, 1e-7), `w[${j}] ${a[j]} ${b[j]}`);
      assert.ok(close(c[j] as number, b[j] as number, 1e-7), `w[${j}] sparse`);
    }
    // The optimum's condition: w̃ = 2 Σ C_i s_i max(0, 1 − s_i w̃·x̃_i) x̃_i.
    const sum = new Float64Array(10);
    for (let i = 0; i < 300; i++) {
      let z = a[9] as number;
      for (let j = 0; j < 9; j++) z += (a[j] as number) * (x.data[i * 9 + j] as number);
      const m = 1 - (s[i] as number) * z;
      if (m <= 0) continue;
      const t = 2 * (cost[i] as number) * (s[i] as number) * m;
      for (let j = 0; j < 9; j++) sum[j] = (sum[j] as number) + t * (x.data[i * 9 + j] as number);
      sum[9] = (sum[9] as number) + t;
    }
    for (let j = 0; j < 10; j++) assert.ok(Math.abs((a[j] as number) - (sum[j] as number)) < 1e-6, `KKT ${j}`);
    // A second class on the same resident copy starts afresh: the same signs, the same weights.
    assert.deepEqual(solveSquaredHingePrimal(resident.forSigns(s), positives, 1e-10, 100), a);
  });
});
