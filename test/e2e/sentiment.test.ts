import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Prediction } from '@marquee/client';
import { fixtureFile } from '../harness/fixtures.ts';
import { startTestServer, type TestServer } from '../harness/test-server.ts';

type Sentiment = Extract<Prediction, { evidence: unknown }>;

describe('sentiment models', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ jobConcurrency: 1 });
  });
  after(() => t.close());

  test('English sentences → NB-SVM on character n-grams → label, probability and the n-grams behind it', async () => {
    await t.admin.createDataset({ owner: 'admin', name: 'uci-amazon' });
    await t.admin.uploadDatasetVersion(
      'admin/uci-amazon',
      fixtureFile('sentiment-uci-sentences/amazon.jsonl'),
      'jsonl',
    );
    const job = await t.admin.train({
      model: 'admin/mood',
      dataset: 'admin/uci-amazon',
      task: 'sentiment',
      algorithm: 'nb-svm',
      target: 'label',
      features: ['text'],
      text: { analyzer: 'char_wb', ngramRange: [2, 5] },
    });
    const done = await t.admin.followJob(job.id);
    assert.equal(done.state, 'succeeded', done.error ?? '');
    assert.ok((done.result?.metrics?.accuracy ?? 0) >= 0.78, JSON.stringify(done.result?.metrics));
    assert.equal((await t.admin.getModel('admin/mood')).task, 'sentiment');
    const answer = await t.admin.predict('admin/mood', [
      { text: 'Excellent phone, works great and the battery lasts' },
      { text: 'Broke after two days, terrible quality, do not buy' },
    ]);
    const [good, bad] = answer.predictions as Sentiment[];
    assert.equal(good?.label, '1');
    assert.equal(bad?.label, '0');
    assert.ok((good?.probability ?? 0) > 0.5 && (bad?.probability ?? 0) > 0.5);
    assert.ok((good?.evidence.length ?? 0) > 0);
    assert.ok(
      good?.evidence.some((e) => /great|excel|works/.test(e.ngram)),
      JSON.stringify(good?.evidence),
    );
    assert.ok(
      bad?.evidence.some((e) => /terrib|broke|not/.test(e.ngram)),
      JSON.stringify(bad?.evidence),
    );
  });

  test('Chinese reviews with no spaces: character n-grams, no dictionary, positive and negative apart', async () => {
    const positive = [
      '这部电影非常好看',
      '演员的表演很精彩',
      '剧情感人，值得一看',
      '画面很美，音乐也好听',
      '我非常喜欢这个故事',
      '导演拍得太好了',
      '看完心情很好',
      '强烈推荐给朋友',
      '这是今年最好的电影',
      '笑点很多，很开心',
      '质量很好，非常满意',
      '服务周到，下次还来',
      '味道好极了',
      '物流很快，包装完好',
      '性价比很高，推荐',
    ];
    const negative = [
      '这部电影太难看了',
      '演员的表演很差',
      '剧情无聊，浪费时间',
      '画面粗糙，音乐难听',
      '我一点也不喜欢这个故事',
      '导演拍得太烂了',
      '看完心情很差',
      '千万不要推荐给朋友',
      '这是今年最差的电影',
      '一点也不好笑，很失望',
      '质量很差，非常失望',
      '服务太差，再也不来',
      '味道难吃极了',
      '物流很慢，包装破了',
      '太贵了，不值得',
    ];
    const lines = [
      ...positive.map((text) => ({ text, mood: 'positive' })),
      ...negative.map((text) => ({ text, mood: 'negative' })),
    ]
      .map((r) => JSON.stringify(r))
      .join('\n');
    await t.admin.createDataset({ owner: 'admin', name: 'zh-reviews' });
    const v = await t.admin.uploadDatasetVersion('admin/zh-reviews', new TextEncoder().encode(lines), 'jsonl');
    assert.equal(v.columns.find((c) => c.name === 'text')?.kind, 'text');
    const job = await t.admin.train({
      model: 'admin/zh-mood',
      dataset: 'admin/zh-reviews',
      task: 'sentiment',
      algorithm: 'logistic-regression',
      target: 'mood',
      features: ['text'],
      params: { C: 10 },
      text: { ngramRange: [1, 2] },
      split: { testFraction: 0.2 },
    });
    const done = await t.admin.followJob(job.id);
    assert.equal(done.state, 'succeeded', done.error ?? '');
    const v1 = await t.admin.getVersion('admin/zh-mood', 1);
    assert.equal(v1.format, 'onnx', 'word-analyzer text exports to ONNX, CJK characters included');
    const answer = await t.admin.predict('admin/zh-mood', [
      { text: '故事很感人，演员非常好' },
      { text: '太无聊了，很失望，浪费时间' },
      { text: '包装完好，质量很好' },
      { text: '味道很差，太贵了' },
    ]);
    const preds = answer.predictions as Sentiment[];
    assert.deepEqual(
      preds.map((p) => p.label),
      ['positive', 'negative', 'positive', 'negative'],
    );
    assert.ok(
      preds[1]?.evidence.some((e) => ['失 望', '无 聊', '浪 费', '失', '望', '无', '聊'].includes(e.ngram)),
      JSON.stringify(preds[1]),
    );
  });

  test('an AFINN-165 lexicon model, made without training, measured on a dataset and served with evidence', async () => {
    const res = await fetch(`${t.url}/api/v1/models/admin/afinn/lexicon`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        column: 'text',
        classes: ['0', '1'],
        evaluate: { dataset: 'admin/uci-amazon', target: 'label' },
      }),
    });
    assert.equal(res.status, 201, await res.clone().text());
    const v = (await res.json()) as {
      version: number;
      details: { algorithm: string; metrics: Record<string, number>; nTest: number };
    };
    assert.equal(v.details.algorithm, 'lexicon');
    assert.equal(v.details.nTest, 1000);
    // A word list is a baseline: well above chance, below the trained models.
    const accuracy = v.details.metrics.accuracy ?? 0;
    assert.ok(accuracy > 0.6 && accuracy < 0.84, JSON.stringify(v.details.metrics));
    const answer = await t.admin.predict('admin/afinn', [
      { text: 'I love it, excellent and fun' },
      { text: 'awful, broken, hate it' },
    ]);
    const [good, bad] = answer.predictions as Sentiment[];
    assert.equal(good?.label, '1');
    assert.equal(bad?.label, '0');
    assert.deepEqual(good?.evidence.map((e) => e.ngram).sort(), ['excellent', 'fun', 'love']);
    assert.ok(bad?.evidence.some((e) => e.ngram === 'hate'));
  });

  test('without text settings, word or character n-grams are chosen by cross-validation, and the version says which', async () => {
    const done = await t.admin.followJob(
      (
        await t.admin.train({
          model: 'admin/mood-default',
          dataset: 'admin/uci-amazon',
          task: 'sentiment',
          algorithm: 'nb-svm',
          target: 'label',
          features: ['text'],
        })
      ).id,
    );
    assert.equal(done.state, 'succeeded', done.error ?? '');
    const d = (await t.admin.getVersion('admin/mood-default', 1)).details as unknown as {
      textChoice: { chosen: { analyzer: string }; leaderboard: Array<{ text: { analyzer: string }; cvMean: number }> };
    };
    assert.deepEqual(
      d.textChoice.leaderboard.map((e) => e.text.analyzer),
      ['word', 'char_wb'],
    );
    const best = d.textChoice.leaderboard.reduce((a, b) => (b.cvMean > a.cvMean ? b : a));
    assert.equal(d.textChoice.chosen.analyzer, best.text.analyzer);
    assert.ok((done.result?.metrics?.accuracy ?? 0) >= 0.75, JSON.stringify(done.result?.metrics));
  });

  test('a sentiment model must learn from text', async () => {
    await t.admin.createDataset({ owner: 'admin', name: 'numbers' });
    await t.admin.uploadDatasetVersion('admin/numbers', new TextEncoder().encode('a,b\n1,x\n2,y\n3,x\n'), 'csv');
    await assert.rejects(
      t.admin.train({
        model: 'admin/n',
        dataset: 'admin/numbers',
        task: 'sentiment',
        algorithm: 'logistic-regression',
        target: 'b',
      }),
      /a sentiment model learns from text/,
    );
  });
});
