import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { compileWat, WASM_DIR } from '../../scripts/wat-compiler.js';
import { Rng } from '../random/rng.js';
import { SmoWorkspace } from './smo-workspace.js';

// The solver's JavaScript passes as they were before smo.wat: the reference for its bits.
function updateGradient(
  y: Float64Array,
  up: Float64Array,
  grad: Float64Array,
  ki: Float64Array,
  kj: Float64Array,
  ci: number,
  cj: number,
): [number, number] {
  let gMax = Number.NEGATIVE_INFINITY;
  let i = -1;
  for (let t = 0; t < y.length; t++) {
    const yt = y[t] as number;
    const g = (grad[t] as number) + yt * (ci * (ki[t] as number) + cj * (kj[t] as number));
    grad[t] = g;
    const v = -yt * g + (up[t] as number);
    if (v >= gMax) {
      gMax = v;
      i = t;
    }
  }
  return [gMax === Number.NEGATIVE_INFINITY ? -1 : i, gMax];
}

function partner(
  i: number,
  gMax: number,
  y: Float64Array,
  alpha: Float64Array,
  cost: Float64Array,
  grad: Float64Array,
  diag: Float64Array,
  ki: Float64Array,
): [number, number] {
  let gMin = Number.POSITIVE_INFINITY;
  let j = -1;
  let objMin = Number.POSITIVE_INFINITY;
  const di = diag[i] as number;
  const yi = y[i] as number;
  for (let t = 0; t < y.length; t++) {
    const yt = y[t] as number;
    const at = alpha[t] as number;
    if ((yt > 0 && at > 0) || (yt < 0 && at < (cost[t] as number))) {
      const v = -yt * (grad[t] as number);
      if (v <= gMin) gMin = v;
      const b = gMax - v;
      if (b > 0) {
        let a = di + (diag[t] as number) - 2 * yi * yt * (ki[t] as number);
        if (a <= 0) a = 1e-12;
        const obj = -(b * b) / a;
        if (obj <= objMin) {
          objMin = obj;
          j = t;
        }
      }
    }
  }
  return [j, gMin];
}

/** Values drawn from a few, so that ties (and ±0) are common; bounds hit exactly. */
function state(rng: Rng, n: number) {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rng.next() * xs.length)] as T;
  const y = Float64Array.from({ length: n }, () => pick([1, -1]));
  const cost = Float64Array.from({ length: n }, () => pick([1, 2.5]));
  const alpha = Float64Array.from({ length: n }, (_, t) => pick([0, cost[t] as number, 0.5, 0.25]));
  const grad = Float64Array.from({ length: n }, () => pick([-1, -0.5, 0, -0, 0.5, rng.normal()]));
  const diag = Float64Array.from({ length: n }, () => pick([1, 0.5, 2]));
  const ki = Float64Array.from({ length: n }, () => pick([1, 0.5, 0.25, rng.next()]));
  const kj = Float64Array.from({ length: n }, () => pick([1, 0.5, 0, rng.next()]));
  const up = Float64Array.from({ length: n }, (_, t) =>
    ((y[t] as number) > 0 && (alpha[t] as number) < (cost[t] as number)) ||
    ((y[t] as number) < 0 && (alpha[t] as number) > 0)
      ? 0
      : Number.NEGATIVE_INFINITY,
  );
  return { y, cost, alpha, grad, diag, ki, kj, up };
}

describe('SmoWorkspace (WebAssembly SMO passes)', () => {
  test('both passes give the JavaScript loops’ rows, values and bits (odd and even n, ties, ±0, empty sets)', () => {
    const rng = new Rng(17);
    let checked = 0;
    for (const n of [1, 2, 3, 4, 7, 8, 31, 64, 129]) {
      for (let round = 0; round < 60; round++) {
        const s = state(rng, n);
        if (round % 10 === 9) s.up.fill(Number.NEGATIVE_INFINITY); // I_up empty
        if (round % 10 === 8) {
          // I_low: every row.
          s.alpha.fill(0);
          s.y.fill(-1);
        }
        const ws = SmoWorkspace.forRows(n);
        for (const k of ['y', 'cost', 'alpha', 'grad', 'diag', 'ki', 'kj', 'up'] as const) ws[k].set(s[k]);
        const ci = rng.normal();
        const cj = round % 3 === 0 ? 0 : rng.normal();
        const [wantI, wantMax] = updateGradient(s.y, s.up, s.grad, s.ki, s.kj, ci, cj);
        const gotI = ws.updateGradient(ci, cj);
        assert.equal(gotI, wantI, `n ${n} round ${round}: update's row`);
        assert.ok(Object.is(ws.found[0], wantMax), `n ${n} round ${round}: gMax ${ws.found[0]} vs ${wantMax}`);
        assert.deepEqual(new Uint8Array(ws.grad.slice().buffer), new Uint8Array(s.grad.buffer), 'G, bit for bit');
        const i = Math.floor(rng.next() * n);
        for (const gMax of [wantMax, 0, 1.5, Number.POSITIVE_INFINITY]) {
          if (!Number.isFinite(gMax) && gMax !== Number.POSITIVE_INFINITY) continue;
          const [wantJ, wantMin] = partner(i, gMax, s.y, s.alpha, s.cost, s.grad, s.diag, s.ki);
          assert.equal(ws.partner(i, gMax), wantJ, `n ${n} round ${round} gMax ${gMax}: partner`);
          assert.equal(ws.found[0], wantMin, `n ${n} round ${round}: gMin`);
          checked++;
        }
      }
    }
    assert.ok(checked > 1500);
  });

  test('a smaller solve after a larger one sees only its own rows', () => {
    const big = SmoWorkspace.forRows(50);
    big.y.fill(1);
    big.up.fill(0);
    big.grad.fill(-5);
    const ws = SmoWorkspace.forRows(3);
    ws.y.set([1, -1, 1]);
    ws.up.set([0, 0, Number.NEGATIVE_INFINITY]);
    ws.grad.set([-1, -1, -1]);
    ws.ki.fill(0);
    ws.kj.fill(0);
    // −y·G: 1, −1 (and −∞ for row 2, outside I_up): row 0 wins.
    assert.equal(ws.updateGradient(0, 0), 0);
    assert.equal(ws.found[0], 1);
  });

  test('the committed smo.wasm is what smo.wat compiles to', async () => {
    const built = await compileWat(path.join(WASM_DIR, 'smo.wat'));
    assert.deepEqual(new Uint8Array(fs.readFileSync(path.join(WASM_DIR, 'smo.wasm'))), built);
  });
});
