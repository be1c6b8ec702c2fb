import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { loadTabularSet } from '../../test-support/tabular-sets.js';
import { silhouetteScore } from '../evaluation/silhouette.js';
import type { DenseMatrix } from '../linalg/dense-matrix.js';
import { learnerToOnnx } from '../onnx/learner-export.js';
import { taskWorkersReady } from '../threads/task-pool.js';
import { KMeans } from './k-means.js';
import { loadLearner } from './learner-registry.js';

/** All rows of a shared set (k-means in the reference is fitted on every row). */
function allRows(name: string): DenseMatrix {
  const d = loadTabularSet(name);
  const data = new Float64Array((d.xTrain.rows + d.xTest.rows) * d.xTrain.cols);
  data.set(d.xTrain.data, 0);
  data.set(d.xTest.data, d.xTrain.data.length);
  return { rows: d.xTrain.rows + d.xTest.rows, cols: d.xTrain.cols, data };
}

describe('KMeans', () => {
  test('finds well-separated blobs exactly', () => {
    const pts = [0, 0, 0.1, 0, 0, 0.1, 10, 10, 10.1, 10, 10, 10.1, -10, 10, -10.1, 10];
    const x: DenseMatrix = { rows: 8, cols: 2, data: Float64Array.from(pts) };
    const m = new KMeans({ k: 3 }).fit(x, [], { seed: 1 });
    const l = m.predict(x);
    assert.equal(new Set([l[0], l[1], l[2]]).size, 1);
    assert.equal(new Set([l[3], l[4], l[5]]).size, 1);
    assert.equal(new Set([l[6], l[7]]).size, 1);
    assert.equal(new Set([l[0], l[3], l[6]]).size, 3);
  });

  test("digits, k = 10: inertia within 1% of scikit-learn's 1,165,178 (or lower), silhouette near 0.18", () => {
    const x = allRows('digits');
    const m = new KMeans({ k: 10 }).fit(x, [], { seed: 0 });
    assert.ok(m.inertia <= 1_165_178 * 1.01, `${m.inertia}`);
    const s = silhouetteScore(x.data, x.cols, m.predict(x));
    assert.ok(Math.abs(s - 0.1825) < 0.02, `${s}`);
  });

  test('ONNX (ReduceSumSquare, MatMul, ArgMin) assigns the same clusters; the artifact restores them', async () => {
    const x = allRows('iris');
    const m = new KMeans({ k: 3 }).fit(x, [], { seed: 2 });
    const session = await ort.InferenceSession.create(learnerToOnnx(m));
    const out = await session.run({ features: new ort.Tensor('float32', Float32Array.from(x.data), [x.rows, x.cols]) });
    await session.release();
    assert.deepEqual(Array.from(out.cluster?.data as BigInt64Array, Number), Array.from(m.predict(x)));
    assert.deepEqual(loadLearner(m.toArtifact()).predict(x), m.predict(x));
  });

  test('digits: the same centres on one thread or two, and a worker thread runs some starts', async () => {
    const x = allRows('digits');
    await taskWorkersReady(1, new URL('./k-means-starts.ts', import.meta.url));
    const alone = new KMeans({ k: 10, nJobs: 1 }).fit(x, [], { seed: 6 });
    const shared = new KMeans({ k: 10, nJobs: 2 }).fit(x, [], { seed: 6 });
    assert.equal(alone.startsRunByWorkers, 0);
    assert.ok(shared.startsRunByWorkers > 0, 'a worker thread ran starts');
    assert.deepEqual(shared.centres, alone.centres);
    assert.equal(shared.inertia, alone.inertia);
    assert.throws(() => new KMeans({ nJobs: -1 }), /nJobs/);
  });
});
