import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { dataText } from '../../test-support/data-files.js';
import { mae, r2, rmse } from '../evaluation/regression-metrics.js';
import { parseCsv } from '../frame/csv.js';
import { type DenseMatrix, takeRows } from '../linalg/dense-matrix.js';
import { StandardScaler } from '../preprocessing/standard-scaler.js';
import { LinearRegression } from './linear-regression.js';

describe('LinearRegression', () => {
  test('recovers exact coefficients on noiseless data (closed form)', () => {
    // y = 3 + 2·x0 − x1
    const x: DenseMatrix = { rows: 5, cols: 2, data: Float64Array.from([0, 1, 1, 0, 2, 3, 3, 1, 4, 4]) };
    const y = [2, 5, 4, 8, 7];
    const m = new LinearRegression().fit(x, y);
    assert.ok(Math.abs((m.coef[0] as number) - 2) < 1e-9);
    assert.ok(Math.abs((m.coef[1] as number) + 1) < 1e-9);
    assert.ok(Math.abs(m.intercept - 3) < 1e-9);
  });

  test('ridge shrinks by the closed form: one feature, w = Σxy / (Σx² + α)', () => {
    const x: DenseMatrix = { rows: 4, cols: 1, data: Float64Array.from([-3, -1, 1, 3]) };
    const y = [-6, -2, 2, 6]; // centred already; Σxy = 40, Σx² = 20
    const m = new LinearRegression({ alpha: 5 }).fit(x, y);
    assert.ok(Math.abs((m.coef[0] as number) - 40 / 25) < 1e-12);
    assert.ok(Math.abs(m.intercept) < 1e-12);
  });

  test('diabetes, the shared split: the same RMSE as scikit-learn (53.3588 OLS, 53.3120 ridge α=1)', () => {
    const { header, rows } = parseCsv(dataText('tabular-sklearn/diabetes_raw.csv'));
    const split = JSON.parse(dataText('splits/diabetes.json')) as {
      test: number[];
    };
    const target = header.indexOf('target');
    const cols = header.length - 1;
    const all: DenseMatrix = { rows: rows.length, cols, data: new Float64Array(rows.length * cols) };
    const y = new Float64Array(rows.length);
    rows.forEach((r, i) => {
      let c = 0;
      r.forEach((v, j) => {
        if (j === target) y[i] = Number(v);
        else all.data[i * cols + c++] = Number(v);
      });
    });
    const testRows = new Set(split.test);
    const trainIdx = [...rows.keys()].filter((i) => !testRows.has(i));
    const testIdx = split.test;
    const scaler = new StandardScaler().fit(takeRows(all, trainIdx));
    const xTrain = scaler.transform(takeRows(all, trainIdx));
    const xTest = scaler.transform(takeRows(all, testIdx));
    const yTrain = trainIdx.map((i) => y[i] as number);
    const yTest = testIdx.map((i) => y[i] as number);
    assert.equal(xTrain.rows, 354);

    const ols = new LinearRegression().fit(xTrain, yTrain).predict(xTest);
    const ridge = new LinearRegression({ alpha: 1 }).fit(xTrain, yTrain).predict(xTest);
    // scikit-learn 1.2.1 on the same rows (shared/peers/sklearn-reference.jsonl)
    assert.ok(Math.abs(rmse(yTest, ols) - 53.3588) < 5e-4, `OLS RMSE ${rmse(yTest, ols)}`);
    assert.ok(Math.abs(mae(yTest, ols) - 42.8527) < 5e-4);
    assert.ok(Math.abs(r2(yTest, ols) - 0.4143) < 5e-4);
    assert.ok(Math.abs(rmse(yTest, ridge) - 53.312) < 5e-4, `ridge RMSE ${rmse(yTest, ridge)}`);
    assert.ok(Math.abs(mae(yTest, ridge) - 42.7526) < 5e-4);
  });
});
