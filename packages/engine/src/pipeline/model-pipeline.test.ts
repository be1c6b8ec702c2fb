import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { dataText, needsData } from '../../test-support/data-files.js';
import { parseCsv } from '../frame/csv.js';
import { Frame } from '../frame/frame.js';
import { Rng } from '../random/rng.js';
import { ModelPipeline } from './model-pipeline.js';

/** A small churn-like table: a numeric signal with gaps, a categorical plan, a noise column. */
function churnFrame(n: number, seed: number): Frame {
  const rng = new Rng(seed);
  const plans = ['free', 'basic', 'gold'];
  const records = Array.from({ length: n }, () => {
    const plan = plans[rng.int(3)] as string;
    const hours = rng.normal() * 3 + (plan === 'gold' ? 4 : 0);
    const churn = hours + rng.normal() < 1 ? 'yes' : 'no';
    return { hours: rng.next() < 0.1 ? null : hours, plan, noise: rng.normal(), churn };
  });
  return Frame.fromRecords(records, { plan: 'categorical', churn: 'categorical' });
}

async function onnxPredict(model: Uint8Array, rows: Array<{ hours: number | null; plan: string; noise: number }>) {
  const session = await ort.InferenceSession.create(model);
  try {
    const n = rows.length;
    return await session.run({
      hours: new ort.Tensor(
        'float32',
        Float32Array.from(rows, (r) => (r.hours === null ? Number.NaN : r.hours)),
        [n, 1],
      ),
      noise: new ort.Tensor(
        'float32',
        Float32Array.from(rows, (r) => r.noise),
        [n, 1],
      ),
      plan: new ort.Tensor(
        'string',
        rows.map((r) => r.plan),
        [n, 1],
      ),
    });
  } finally {
    await session.release();
  }
}

describe('ModelPipeline', () => {
  const train = churnFrame(600, 1);
  const rows = [
    { hours: 5, plan: 'gold', noise: 0.1 },
    { hours: -2, plan: 'free', noise: -1 },
    { hours: null, plan: 'basic', noise: 0 },
    { hours: 0.5, plan: 'platinum', noise: 2 }, // a category never seen in training
  ];
  const unseen = Frame.fromRecords(rows, { plan: 'categorical' });

  for (const algorithm of ['logistic-regression', 'random-forest']) {
    test(`${algorithm}: the ONNX model (one input per column) answers as the engine does`, async () => {
      const m = ModelPipeline.fit(train, 'churn', algorithm, algorithm === 'random-forest' ? { nEstimators: 25 } : {}, {
        seed: 4,
      });
      assert.deepEqual(m.target.classes, ['no', 'yes']);
      const want = m.predict(unseen) as string[];
      const proba = m.predictProba(unseen);
      const out = await onnxPredict(m.toOnnx(), rows);
      assert.deepEqual(out.label_name?.data, want);
      const p = out.probabilities?.data as Float32Array;
      for (let i = 0; i < p.length; i++) assert.ok(Math.abs((p[i] as number) - (proba[i] as number)) < 1e-4, `p[${i}]`);
      // The artifact restores the same answers.
      const back = ModelPipeline.fromArtifact(m.toArtifact());
      assert.deepEqual(back.predict(unseen), want);
      // The signature names what the ONNX model takes and gives.
      const sig = m.signature();
      assert.deepEqual(sig.outputs.map((o) => o.name).sort(), Object.keys(out).sort());
      assert.deepEqual(sig.outputs[1]?.classes, ['no', 'yes']);
      assert.ok(sig.inputs.every((i) => ['numeric', 'categorical'].includes(i.kind)));
      assert.deepEqual(sig.inputs.map((i) => i.name).sort(), Object.keys(rows[0] ?? {}).sort());
    });
  }

  test('learns: held-out accuracy well above the majority class', () => {
    const m = ModelPipeline.fit(train, 'churn', 'logistic-regression');
    const held = churnFrame(400, 2);
    const truth = held.column('churn');
    assert.ok(truth.kind === 'categorical');
    const pred = m.predict(held) as string[];
    let hit = 0;
    pred.forEach((p, i) => {
      if (p === truth.dictionary[truth.codes[i] as number]) hit++;
    });
    assert.ok(hit / pred.length > 0.75, `${hit / pred.length}`);
  });

  test(
    'spambase from its CSV: a random forest reaches 0.94 held-out accuracy',
    needsData('tabular-spambase/spam.csv'),
    () => {
      const { header, rows: csv } = parseCsv(dataText('tabular-spambase/spam.csv'));
      const split = JSON.parse(dataText('splits/spambase.json')) as {
        test: number[];
      };
      const frame = Frame.fromRecords(csv.map((r) => Object.fromEntries(header.map((h, j) => [h, r[j]]))));
      const testSet = new Set(split.test);
      const trainIdx = [...csv.keys()].filter((i) => !testSet.has(i));
      const m = ModelPipeline.fit(frame.take(trainIdx), 'type', 'random-forest', {}, { seed: 0 });
      const held = frame.take(split.test);
      const truth = held.column('type');
      assert.ok(truth.kind === 'categorical');
      const pred = m.predict(held) as string[];
      const acc = pred.filter((p, i) => p === truth.dictionary[truth.codes[i] as number]).length / pred.length;
      assert.ok(acc >= 0.94, `${acc}`);
    },
  );

  test('bad targets are refused clearly', () => {
    assert.throws(() => ModelPipeline.fit(train, 'plan', 'linear-regression'), /numeric target/);
    assert.throws(
      () => ModelPipeline.fit(train, 'churn', 'ridge', {}, { task: 'classification' }),
      /cannot learn classification/,
    );
    assert.throws(() => ModelPipeline.fit(train, 'nope', 'random-forest'), /no column "nope"/);
  });
});
