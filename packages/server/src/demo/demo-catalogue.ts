import type { TrainingJobRequest } from '../jobs/job-service.js';

/** A model the demo trains, publishes and (when it names one) submits to a benchmark. */
export interface DemoModel {
  name: string;
  description: string;
  tags: string[];
  training: Omit<TrainingJobRequest, 'model'>;
  card: string;
  benchmark?: string;
}

const card = (fm: Record<string, string>, title: string, body: string) =>
  `---\n${Object.entries(fm)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n')}\n---\n# ${title}\n\n${body.trim()}\n`;

export const DEMO_OWNER = 'demo';

/** Features of the chart-activity table that a churn model may learn from (not the artist's name). */
const ACTIVITY_FEATURES = [
  'recency_days',
  'frequency',
  'active_days',
  'sessions',
  'distinct_items',
  'value_total',
  'trend_7d',
  'trend_30d',
  'share_chart',
  'share_top40',
  'share_top10',
];

export const DEMO_MODELS: DemoModel[] = [
  {
    name: 'review-sentiment-en',
    description: 'Positive or negative: short English reviews of films, products and restaurants',
    tags: ['sentiment', 'reviews', 'english'],
    benchmark: 'uci-sentences-en',
    training: {
      dataset: `${DEMO_OWNER}/uci-sentences-en@1`,
      task: 'sentiment',
      algorithm: 'logistic-regression',
      target: 'label',
      features: ['text'],
      params: { C: 4 },
      text: { ngramRange: [1, 2], sublinearTf: true },
      seed: 1,
    },
    card: card(
      { license: 'CC-BY-4.0', language: 'en', task: 'sentiment', tags: '[sentiment, reviews, english]' },
      'Review sentiment (English)',
      `
Tells positive from negative in one-sentence English reviews, and names the words that
decided it. Word 1–2-gram TF-IDF into logistic regression.

## Intended use

Sorting comments and reviews on a film, music or game page by mood; a baseline to beat on
the \`uci-sentences-en\` benchmark.

## Training data

The public training part of the \`uci-sentences-en\` benchmark: 2,400 sentences from
Amazon, IMDb and Yelp reviews (Kotzias et al., KDD 2015; CC BY 4.0), half positive.

## Limitations

One sentence at a time; irony, negation across clauses and domain words it never saw
(game slang, say) fool it. English only.
`,
    ),
  },
  {
    name: 'review-sentiment-zh',
    description: '中文影视、音乐、游戏评论的情感分析（正面/负面）',
    tags: ['sentiment', 'reviews', 'chinese', '情感分析'],
    training: {
      dataset: `${DEMO_OWNER}/film-reviews-zh@1`,
      task: 'sentiment',
      algorithm: 'logistic-regression',
      target: 'label',
      features: ['text'],
      params: { C: 10 },
      text: { ngramRange: [1, 2] },
      seed: 1,
    },
    card: card(
      { license: 'Apache-2.0', language: 'zh', task: 'sentiment', tags: '[sentiment, chinese, 情感分析]' },
      '中文评论情感分析 · Chinese review sentiment',
      `
判断中文影视、音乐和游戏评论是正面还是负面，并给出起决定作用的字词。Tells positive from
negative in short Chinese reviews, with no word dictionary: characters and character pairs.

## Intended use

情感分析：给评论区、弹幕和应用商店评论分类。Sorting Chinese comments by mood.

## Training data

160 short reviews written for Marquee (Apache-2.0), half positive, about films, series,
music and games.

## Limitations

训练数据很小，只适合演示。A small, hand-written set: for trying the platform, not for
production; sarcasm and long reviews are beyond it.
`,
    ),
  },
  {
    name: 'film-recommender',
    description: 'Films a viewer is likely to watch next, from what viewers watched (implicit ALS)',
    tags: ['recommendation', 'films', 'implicit'],
    training: {
      dataset: `${DEMO_OWNER}/film-ratings@1`,
      task: 'recommendation',
      algorithm: 'als',
      target: '',
      columns: { user: 'viewer', item: 'film' },
      params: { factors: 8, iterations: 8 },
      seed: 1,
    },
    card: card(
      { license: 'Apache-2.0', language: 'en', task: 'recommendation', tags: '[recommendation, films]' },
      'Film recommender',
      `
Recommends the films a viewer has not seen yet, ranked by implicit alternating least
squares over who watched what; a new viewer gets the most watched films, flagged as a
fallback.

## Intended use

A "watch next" row on a streaming home page; similar films for a film page.

## Training data

\`demo/film-ratings\`: 8,085 views of 240 well-known films by 400 viewers. The viewers
and their choices are synthetic, drawn from a planted model so that the best possible
score is known; the film titles come from vega-datasets (BSD-3-Clause).

## Limitations

Synthetic viewers: the figures show what the model can recover, not how real audiences
behave. No content features, so a film nobody watched is never recommended.
`,
    ),
  },
  {
    name: 'chart-churn',
    description: 'Will an artist drop out of the Billboard Hot 100? Churn from chart activity (random forest)',
    tags: ['churn', 'behaviour', 'music'],
    benchmark: 'chart-churn',
    training: {
      dataset: `${DEMO_OWNER}/chart-activity@1`,
      task: 'classification',
      algorithm: 'random-forest',
      target: 'churned',
      features: ACTIVITY_FEATURES,
      params: { nEstimators: 100 },
      seed: 1,
    },
    card: card(
      { license: 'MIT', language: 'en', task: 'classification', tags: '[churn, behaviour, music]' },
      'Chart churn',
      `
Predicts whether an artist charting in the Billboard Hot 100 before October 2000 is gone
from the chart after it (\`churned\` = 1), from per-artist activity features the platform
computes from an event log: recency, frequency, sessions, trends, share of top-10 weeks.

## Intended use

The shape of a churn model for any event log (plays, logins, purchases): the same
features, the same job. A baseline for the \`chart-churn\` benchmark.

## Training data

The public training part of the \`chart-churn\` benchmark, made by
\`POST /behaviour/features\` from the Billboard Hot 100 of 2000 (tidyr, MIT).

## Limitations

About two hundred artists: the estimate is rough. Chart weeks are not listening data.
`,
    ),
  },
];
