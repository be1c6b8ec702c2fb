import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { Frame } from '../frame/frame.js';
import { Rng } from '../random/rng.js';
import { ModelPipeline } from './model-pipeline.js';

const BANDS = ['0%', '1 - 10%', '11 - 50%', '> 50%'];

/** Churn falls with the share of a plan used (a band), rises with support tickets; `id` is noise. */
function usageFrame(n: number, seed: number): Frame {
  const rng = new Rng(seed);
  const records = Array.from({ length: n }, (_, i) => {
    const band = rng.int(4);
    const tickets = rng.int(5);
    const churn = 1.5 - band + 0.5 * tickets + rng.normal() > 0 ? 'yes' : 'no';
    return { id: i, usage: BANDS[band] as string, tickets, level: ['low', 'mid', 'high'][rng.int(3)] as string, churn };
  });
  return Frame.fromRecords(records, { usage: 'categorical', level: 'categorical', churn: 'categorical' });
}

async function onnxRun(model: Uint8Array, feeds: Record<string, ort.Tensor>) {
  const session = await ort.InferenceSession.create(model);
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

describe('column kinds: ordinal columns by their order, declared kinds', () => {
  const train = usageFrame(800, 3);
  const rows = [...BANDS, 'no idea'].map((usage) => ({ usage, tickets: 2 }));
  const probe = Frame.fromRecords(rows, { usage: 'categorical' });
  const feeds = () => ({
    usage: new ort.Tensor(
      'string',
      rows.map((r) => r.usage),
      [rows.length, 1],
    ),
    tickets: new ort.Tensor(
      'float32',
      Float32Array.from(rows, (r) => r.tickets),
      [rows.length, 1],
    ),
  });

  test('bands are inferred as ordinal and reach a linear model as one rank: its churn probability falls band by band', async () => {
    const m = ModelPipeline.fit(train, 'churn', 'logistic-regression', {}, { features: ['usage', 'tickets'] });
    assert.deepEqual(m.features.features[0], { name: 'usage', kind: 'ordinal', order: BANDS, oneHot: false });
    assert.equal(m.features.width, 2, 'a rank and the tickets, no one-hot block');
    const p = m.predictProba(probe);
    const yes = m.target.classes.indexOf('yes');
    const churn = Array.from({ length: rows.length }, (_, i) => p[i * 2 + yes] as number);
    for (let b = 1; b < BANDS.length; b++)
      assert.ok((churn[b] as number) < (churn[b - 1] as number), `band ${b}: ${churn}`);
    assert.equal(m.signature().inputs.find((i) => i.name === 'usage')?.kind, 'categorical', 'sent as its strings');
    // ONNX: the strings → ranks (LabelEncoder), an unknown band imputed as in the engine.
    const out = await onnxRun(m.toOnnx(), feeds());
    const onnxP = out.probabilities?.data as Float32Array;
    for (let i = 0; i < p.length; i++) assert.ok(Math.abs((onnxP[i] as number) - (p[i] as number)) < 1e-4, `prob ${i}`);
  });

  test('trees get the bands one-hot as well as by rank, and export the same', async () => {
    const m = ModelPipeline.fit(
      train,
      'churn',
      'random-forest',
      { nEstimators: 20 },
      { features: ['usage', 'tickets'] },
    );
    assert.equal(m.features.width, 2 + BANDS.length);
    assert.equal(m.features.featureName(2), 'usage=0%');
    const p = m.predictProba(probe);
    const out = await onnxRun(m.toOnnx(), feeds());
    const onnxP = out.probabilities?.data as Float32Array;
    for (let i = 0; i < p.length; i++) assert.ok(Math.abs((onnxP[i] as number) - (p[i] as number)) < 1e-4, `prob ${i}`);
  });

  test('declared kinds: ordinal with an order, ignore, a number column as categories, strings as numbers', () => {
    const m = ModelPipeline.fit(
      train,
      'churn',
      'logistic-regression',
      {},
      {
        kinds: { level: { kind: 'ordinal', order: ['low', 'mid', 'high'] }, id: 'ignore', tickets: 'categorical' },
      },
    );
    assert.deepEqual(
      m.features.features.map((f) => `${f.name}:${f.kind}`),
      ['usage:ordinal', 'tickets:categorical', 'level:ordinal'],
    );
    const tickets = m.features.features[1];
    assert.deepEqual(tickets?.kind === 'categorical' && tickets.categories, ['0', '1', '2', '3', '4']);
    assert.equal(m.predict(Frame.fromRecords([{ usage: '0%', tickets: 4, level: 'mid' }])).length, 1);
    const asText = Frame.fromRecords(
      Array.from({ length: 40 }, (_, i) => ({ score: String(i / 4), y: i < 20 ? 'a' : 'b' })),
      { score: 'categorical', y: 'categorical' },
    );
    const numeric = ModelPipeline.fit(asText, 'y', 'logistic-regression', {}, { kinds: { score: 'numeric' } });
    assert.deepEqual(numeric.features.features, [{ name: 'score', kind: 'numeric' }]);
    assert.deepEqual(numeric.predict(Frame.fromRecords([{ score: 0 }, { score: 9 }])), ['a', 'b']);
  });

  test('a declared order must cover the values; an undeclared order must be readable from them', () => {
    assert.throws(
      () =>
        ModelPipeline.fit(
          train,
          'churn',
          'logistic-regression',
          {},
          { kinds: { level: { kind: 'ordinal', order: ['low', 'high'] } } },
        ),
      /column "level" has values outside its order: "mid"/,
    );
    assert.throws(
      () => ModelPipeline.fit(train, 'churn', 'logistic-regression', {}, { kinds: { level: 'ordinal' } }),
      /"level" is declared ordinal but its values are not written on one scale/,
    );
    assert.throws(
      () =>
        ModelPipeline.fit(
          train,
          'tickets',
          'ridge',
          {},
          { features: ['id'], kinds: { id: 'ignore' }, task: 'regression' },
        ),
      /no feature columns/,
    );
  });
});
