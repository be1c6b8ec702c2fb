import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadTabularSet } from '../../test-support/tabular-sets.js';
import type { KernelSpec } from './kernel.js';
import { type BinarySvm, solveSmo } from './smo-solver.js';

/** Class a (+1) against class b (−1) of a set's training rows. */
function pair(name: string, a: number, b: number) {
  const d = loadTabularSet(name, { standardise: true });
  const picked: number[] = [];
  for (let r = 0; r < d.yTrain.length; r++) if (d.yTrain[r] === a || d.yTrain[r] === b) picked.push(r);
  const rows = Int32Array.from(picked);
  const sign = Float64Array.from(rows, (r) => (d.yTrain[r] === a ? 1 : -1));
  // Uneven bounds, as class weights give: some rows' α stop at 0.5, others at 2.
  const cost = Float64Array.from(rows, (r) => (r % 3 === 0 ? 2 : 0.5));
  return { x: d.xTrain.data, d: d.xTrain.cols, rows, sign, cost };
}

function solveBoth(name: string, a: number, b: number, spec: KernelSpec, maxIter = 100_000): [BinarySvm, BinarySvm] {
  const p = pair(name, a, b);
  const run = (cacheBytes: number) =>
    solveSmo(p.x, p.d, p.rows, p.sign, p.cost, spec, 1e-3, maxIter, undefined, cacheBytes);
  // A cache budget of 0 keeps the iterations in JavaScript.
  return [run(0), run(64 * 1024 * 1024)];
}

describe('the SMO solver: iterations in WebAssembly and in JavaScript', () => {
  const rbf = (gamma: number): KernelSpec => ({ type: 'rbf', gamma, coef0: 0, degree: 3 });
  const cases: Array<[string, number, number, KernelSpec]> = [
    ['breast_cancer', 1, 0, rbf(1 / 30)],
    ['digits', 3, 8, rbf(1 / 64)],
    ['wine', 1, 2, { type: 'linear', gamma: 1, coef0: 0, degree: 3 }],
    ['iris', 1, 2, rbf(0.5)],
  ];
  for (const [name, a, b, spec] of cases)
    test(`${name} (${a} against ${b}, ${spec.type}): the same support vectors, coefficients and offset, bit for bit`, () => {
      const [js, wasm] = solveBoth(name, a, b, spec);
      assert.ok(js.support.length > 2, `a real solve (${js.support.length} support vectors)`);
      assert.deepEqual(wasm.support, js.support);
      assert.deepEqual(new Uint8Array(wasm.dualCoef.buffer), new Uint8Array(js.dualCoef.buffer));
      assert.ok(Object.is(wasm.rho, js.rho), `rho ${wasm.rho} vs ${js.rho}`);
    });

  test('a solve stopped by maxIter midway (across the 1000-iteration calls) stops at the same place', () => {
    for (const maxIter of [7, 1000, 1003]) {
      const [js, wasm] = solveBoth('digits', 1, 7, rbf(0.002), maxIter);
      assert.deepEqual(new Uint8Array(wasm.dualCoef.buffer), new Uint8Array(js.dualCoef.buffer), `maxIter ${maxIter}`);
      assert.ok(Object.is(wasm.rho, js.rho));
    }
  });

  test('an aborted signal stops a solve in WebAssembly', () => {
    const p = pair('breast_cancer', 1, 0);
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    assert.throws(() => solveSmo(p.x, p.d, p.rows, p.sign, p.cost, rbf(0.03), 1e-3, 1000, controller.signal), /stop/);
  });
});
