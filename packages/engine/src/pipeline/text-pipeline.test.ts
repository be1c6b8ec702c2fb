import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import { needsData } from '../../test-support/data-files.js';
import { loadAmazonFineFood } from '../../test-support/text-sets.js';
import { Frame } from '../frame/frame.js';
import { takesSparse } from '../learners/learner.js';
import { createLearner } from '../learners/learner-registry.js';
import { csrToDense } from '../linalg/csr-matrix.js';
import { TextVectorizer } from '../text/text-vectorizer.js';
import { ModelPipeline } from './model-pipeline.js';

/** Runs an exported pipeline whose inputs are text columns. */
async function runText(model: Uint8Array, columns: Record<string, string[]>): Promise<Record<string, ort.Tensor>> {
  const session = await ort.InferenceSession.create(model);
  try {
    const feeds = Object.fromEntries(
      Object.entries(columns).map(([name, values]) => [name, new ort.Tensor('string', values, [values.length, 1])]),
    );
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

/** scikit-learn 1.2.1 on the same files (shared/peers/sklearn-reference.jsonl, amazon-fine-food). */
const SKLEARN = { counts_nb: 0.8, tfidf_word12_logreg: 0.79, tfidf_charwb25_linearsvc: 0.787 };

function accuracyOn(model: ModelPipeline, test: Frame): number {
  const truth = test.column('score');
  assert.equal(truth.kind, 'categorical');
  const predicted = model.predict(test) as string[];
  return predicted.filter((p, i) => p === truth.dictionary[truth.codes[i] as number]).length / predicted.length;
}

describe(
  'text pipelines on Amazon fine food (4000 train, 1000 test reviews)',
  needsData('reviews-amazon-fine-food/train.csv'),
  () => {
    const { train, test } = loadAmazonFineFood();
    const fit = (algorithm: string, text: object) =>
      ModelPipeline.fit(train, 'score', algorithm, {}, { features: ['review'], text });

    it("word counts → multinomial naive Bayes: scikit-learn's vocabulary and accuracy", () => {
      const m = fit('naive-bayes', { useIdf: false, norm: 'none' });
      assert.equal(m.features.width, 13211); // CountVectorizer's vocabulary on these rows
      assert.ok(Math.abs(accuracyOn(m, test) - SKLEARN.counts_nb) <= 0.01);
    });

    it('word 1–2-gram TF-IDF (sublinear tf) → logistic regression', () => {
      const acc = accuracyOn(fit('logistic-regression', { ngramRange: [1, 2], sublinearTf: true }), test);
      assert.ok(acc >= SKLEARN.tfidf_word12_logreg - 0.01, `accuracy ${acc}`);
    });

    it('char_wb 2–5-gram TF-IDF → linear SVM', () => {
      const acc = accuracyOn(fit('linear-svm', { analyzer: 'char_wb', ngramRange: [2, 5] }), test);
      assert.ok(acc >= SKLEARN.tfidf_charwb25_linearsvc - 0.01, `accuracy ${acc}`);
    });

    for (const [algorithm, text] of [
      ['logistic-regression', { ngramRange: [1, 2], sublinearTf: true }],
      ['naive-bayes', { useIdf: false, norm: 'none' }],
      ['linear-svm', { binary: true, minDf: 2 }],
    ] as const) {
      it(`ONNX (${algorithm}, ${JSON.stringify(text)}): Tokenizer + TfIdfVectorizer answer as the engine`, async () => {
        const m = fit(algorithm, text);
        const head = test.take(Int32Array.from({ length: 300 }, (_, i) => i));
        const reviews = (head.column('review') as { values: Array<string | null> }).values.map((v) => v ?? '');
        const out = await runText(m.toOnnx(), { review: reviews });
        assert.deepEqual(out.label_name?.data, m.predict(head));
        if (algorithm === 'linear-svm') return; // no probabilities
        const want = m.predictProba(head);
        const got = out.probabilities?.data as Float32Array;
        for (let i = 0; i < got.length; i++)
          assert.ok(Math.abs((got[i] as number) - (want[i] as number)) < 1e-4, `p[${i}]`);
      });
    }

    it('a text pipeline survives its artifact and answers the same', () => {
      const m = fit('logistic-regression', { hashFeatures: 1 << 16, sublinearTf: true });
      const again = ModelPipeline.fromArtifact(m.toArtifact());
      const head = test.take(Int32Array.from({ length: 50 }, (_, i) => i));
      assert.deepEqual(again.predict(head), m.predict(head));
      assert.deepEqual(again.predictProba(head), m.predictProba(head));
    });
  },
);

describe('Chinese and Japanese text, with no spaces and no dictionary', () => {
  // Written for this test: short product and film reviews, clearly positive or negative.
  const train = [
    ['这部电影非常好看，演员很棒', 'positive'],
    ['剧情精彩，我很喜欢', 'positive'],
    ['质量很好，非常满意', 'positive'],
    ['服务很好，下次还会再来', 'positive'],
    ['音乐很美，值得推荐', 'positive'],
    ['この映画はとても面白い', 'positive'],
    ['最高の作品でした、大好き', 'positive'],
    ['这部电影太差了，浪费时间', 'negative'],
    ['剧情无聊，我不喜欢', 'negative'],
    ['质量很差，非常失望', 'negative'],
    ['服务太差，再也不来了', 'negative'],
    ['声音难听，不推荐', 'negative'],
    ['この映画はつまらない', 'negative'],
    ['最悪の作品でした、嫌い', 'negative'],
  ];
  const frame = Frame.fromRecords(
    train.map(([review, label]) => ({ review, label })),
    { review: 'text' },
  );

  it('character n-grams separate unseen positive and negative sentences', () => {
    const m = ModelPipeline.fit(frame, 'label', 'logistic-regression', { C: 10 }, { text: { ngramRange: [1, 2] } });
    // Bigrams such as 好看 and 失望 are features: the vocabulary holds character n-grams, not words.
    const vocabulary = m.features.vectorizer('review')?.vocabulary ?? [];
    assert.ok(vocabulary.includes('好 看') && vocabulary.includes('失 望') && vocabulary.includes('面'));
    const unseen = Frame.fromRecords(
      [
        { review: '演员很棒，非常喜欢这部电影' },
        { review: '太无聊了，非常失望' },
        { review: 'とても面白い映画' },
        { review: 'つまらない、最悪' },
      ],
      { review: 'text' },
    );
    assert.deepEqual(m.predict(unseen), ['positive', 'negative', 'positive', 'negative']);
  });

  it('the ONNX export tokenises Chinese and Japanese as the engine does', async () => {
    const m = ModelPipeline.fit(frame, 'label', 'naive-bayes', {}, { text: { ngramRange: [1, 2] } });
    const texts = [
      '演员很棒，非常喜欢这部电影',
      '太无聊了，非常失望',
      'とても面白い映画',
      'つまらない、最悪',
      'コーヒーは最高',
    ];
    const out = await runText(m.toOnnx(), { review: texts });
    const frameOf = Frame.fromRecords(
      texts.map((review) => ({ review })),
      { review: 'text' },
    );
    assert.deepEqual(out.label_name?.data, m.predict(frameOf));
    const want = m.predictProba(frameOf);
    const got = out.probabilities?.data as Float32Array;
    for (let i = 0; i < got.length; i++) assert.ok(Math.abs((got[i] as number) - (want[i] as number)) < 1e-4);
  });

  it('explains each label by the n-grams that weighed most toward it', () => {
    for (const algorithm of ['logistic-regression', 'nb-svm', 'naive-bayes']) {
      const m = ModelPipeline.fit(frame, 'label', algorithm, {}, { text: { ngramRange: [1, 2] } });
      const unseen = Frame.fromRecords([{ review: '太无聊了，非常失望' }, { review: '演员很棒' }], { review: 'text' });
      const [negative, positive] = m.explain(unseen, 3) ?? [];
      assert.equal(negative?.length, 3, algorithm);
      for (const e of [...(negative ?? []), ...(positive ?? [])]) assert.ok(e.weight > 0);
      // The weights are sorted, and what weighs for a negative review is a negative word.
      assert.ok((negative?.[0]?.weight ?? 0) >= (negative?.[2]?.weight ?? 0));
      assert.ok(
        negative?.some((e) => ['失 望', '失', '望', '无 聊', '无', '聊'].includes(e.feature)),
        `${algorithm}: ${JSON.stringify(negative)}`,
      );
      assert.ok(
        positive?.some((e) => ['棒', '很 棒', '演', '员', '演 员'].includes(e.feature)),
        `${algorithm}: ${JSON.stringify(positive)}`,
      );
    }
    assert.equal(ModelPipeline.fit(frame, 'label', 'decision-tree').explain(frame), undefined);
  });

  it('character n-grams and hashing say they have no ONNX form', () => {
    assert.throws(
      () => ModelPipeline.fit(frame, 'label', 'naive-bayes', {}, { text: { analyzer: 'char_wb' } }).toOnnx(),
      /char_wb analyzer have no ONNX export/,
    );
    assert.throws(
      () => ModelPipeline.fit(frame, 'label', 'naive-bayes', {}, { text: { hashFeatures: 64 } }).toOnnx(),
      /hashed text features have no ONNX export/,
    );
  });
});

describe('sparse input', () => {
  const docs = ['good fun film', 'bad dull film', 'good good acting', 'dull plot bad acting', 'fun plot', 'bad film'];
  const y = [1, 0, 1, 0, 1, 0];
  const x = new TextVectorizer().fitTransform(docs);
  const dense = csrToDense(x);

  for (const name of ['logistic-regression', 'linear-svm', 'naive-bayes']) {
    it(`${name} learns the same model from sparse and dense rows`, () => {
      const a = createLearner(name);
      assert.ok(takesSparse(a));
      a.fit(x, y, { seed: 1 });
      const b = createLearner(name).fit(dense, y, { seed: 1 });
      assert.deepEqual(a.predict(x), b.predict(dense));
      const pa = a.predictProba?.(x);
      const pb = b.predictProba?.(dense);
      if (pa && pb)
        for (let i = 0; i < pa.length; i++) assert.ok(Math.abs((pa[i] as number) - (pb[i] as number)) < 1e-12);
    });
  }

  it('a learner without sparse support gets dense rows; a frame infers free text', () => {
    const frame = Frame.fromRecords(
      Array.from({ length: 60 }, (_, i) => ({ review: `${docs[i % 6]} number ${i}`, label: y[i % 6] ? 'up' : 'down' })),
    );
    assert.equal(frame.kind('review'), 'text');
    const m = ModelPipeline.fit(frame, 'label', 'decision-tree');
    assert.deepEqual(m.predict(frame.take(Int32Array.from([0, 1]))), ['up', 'down']);
  });
});
