import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import { Frame } from '../frame/frame.js';
import { lexiconPipeline } from './lexicon-pipeline.js';

describe('lexicon pipelines (a word list instead of training)', () => {
  const lexicon = { good: 3, great: 3, bad: -3, awful: -3, 'not good': -2, "can't stand": -3, a: 1 };
  const { model, terms, skipped } = lexiconPipeline('text', lexicon, { classes: ['negative', 'positive'] });

  it('scores a text by the valences of its words, counted as they occur', () => {
    assert.equal(terms, 5);
    assert.equal(skipped, 2); // "can't stand" (an apostrophe) and "a" (one letter) are not words here
    const frame = Frame.fromRecords(
      [{ text: 'Good, good, GREAT' }, { text: 'awful and bad' }, { text: 'not good' }, { text: 'nothing here' }],
      { text: 'text' },
    );
    const p = model.predictProba(frame);
    const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
    // score/2: 9/2; −6/2; (3 − 2)/2 (the bigram and its unigram both count); 0.
    const expected = [9 / 2, -6 / 2, 1 / 2, 0].map(sigmoid);
    for (const [i, e] of expected.entries()) assert.ok(Math.abs((p[i * 2 + 1] as number) - e) < 1e-12, `row ${i}`);
    assert.deepEqual(model.predict(frame), ['positive', 'negative', 'positive', 'negative']);
    assert.deepEqual(
      model
        .explain(frame, 2)?.[1]
        ?.map((e) => e.feature)
        .sort(),
      ['awful', 'bad'],
    );
  });

  it('exports to ONNX like a trained text model', async () => {
    const texts = ['Good, good, GREAT', 'awful and bad', 'not good at all'];
    const session = await ort.InferenceSession.create(model.toOnnx());
    const out = await session.run({ text: new ort.Tensor('string', texts, [3, 1]) });
    await session.release();
    assert.deepEqual(
      out.label_name?.data,
      model.predict(
        Frame.fromRecords(
          texts.map((text) => ({ text })),
          { text: 'text' },
        ),
      ),
    );
  });
});
