import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { AuthService } from '../auth/auth-service.js';
import type { Principal } from '../auth/scopes.js';
import type { BehaviourService } from '../behaviour/behaviour-service.js';
import type { DatasetFormat } from '../datasets/dataset-formats.js';
import type { DatasetService } from '../datasets/dataset-service.js';
import type { JobService, JobView } from '../jobs/job-service.js';
import type { BenchmarkService } from '../market/benchmarks/benchmark-service.js';
import type { CardService } from '../market/card-service.js';
import type { MarketService } from '../market/market-service.js';
import type { RegistryService } from '../registry/registry-service.js';
import { DEMO_MODELS, DEMO_OWNER } from './demo-catalogue.js';
import { chartEvents, chineseReviews, englishSentences, filmRatings } from './demo-data.js';

export interface DemoDeps {
  dataDir: string;
  auth: AuthService;
  datasets: DatasetService;
  jobs: JobService;
  behaviour: BehaviourService;
  registry: RegistryService;
  cards: CardService;
  market: MarketService;
  benchmarks: BenchmarkService;
  log: (msg: string) => void;
}

export interface DemoSummary {
  loaded: boolean;
  /** Why nothing was loaded (already there, or the folder holds other work). */
  reason?: string;
  published: string[];
  benchmarks: string[];
  seconds: number;
}

const MARKER = 'demo.json';

/**
 * `serve --demo`: on an empty data folder, public datasets from the data the repository
 * ships, four models trained, carded and published through the quality gate, and two
 * benchmarks with their leaderboards started — all through the same services as the API,
 * so the demo shows what a user would get. A marker file keeps a restart from doing it
 * twice; a folder that already holds datasets or models is left alone.
 */
export async function loadDemo(deps: DemoDeps): Promise<DemoSummary> {
  const started = performance.now();
  const seconds = () => Math.round((performance.now() - started) / 100) / 10;
  const marker = path.join(deps.dataDir, MARKER);
  if (fs.existsSync(marker)) return { ...skipped('the demo content is there already'), seconds: seconds() };
  const admin = await deps.auth.actAs('admin');
  const [models, datasets] = await Promise.all([
    deps.registry.listModels(admin, { limit: 1, offset: 0, sort: 'updated' }),
    deps.datasets.listDatasets(admin, { limit: 1, offset: 0, sort: 'updated' }),
  ]);
  if (models.total + datasets.total > 0) {
    return {
      ...skipped('the data folder already holds datasets or models; --demo fills only an empty one'),
      seconds: seconds(),
    };
  }
  const { log } = deps;
  log('demo: creating the user "demo" and its public datasets');
  await deps.auth.createUser(DEMO_OWNER, crypto.randomBytes(24).toString('base64url'));
  const demo = await deps.auth.actAs(DEMO_OWNER);
  const upload = async (
    who: Principal,
    ref: string,
    visibility: 'public' | 'internal' | 'private',
    description: string,
    body: string,
    format: DatasetFormat,
  ) => {
    const [owner, name] = ref.split('/') as [string, string];
    await deps.datasets.createDataset(who, { owner, name, visibility, description });
    await deps.datasets.createVersion(who, owner, name, Readable.from([Buffer.from(body)]), format);
  };
  const done = (who: Principal, job: JobView) => finished(deps.jobs, who, job);

  await upload(
    admin,
    'admin/uci-sentences',
    'private',
    'UCI sentences, all 3,000: the source of the uci-sentences-en benchmark',
    englishSentences(),
    'jsonl',
  );
  await upload(
    demo,
    `${DEMO_OWNER}/film-reviews-zh`,
    'public',
    '160 条中文影视、音乐、游戏评论，正面/负面',
    chineseReviews(),
    'jsonl',
  );
  await upload(
    demo,
    `${DEMO_OWNER}/film-ratings`,
    'public',
    'Synthetic viewers rating 240 well-known films (planted model)',
    filmRatings(),
    'csv',
  );
  await upload(
    demo,
    `${DEMO_OWNER}/chart-events`,
    'public',
    'Billboard Hot 100, 2000, as an event log (artist, track, week)',
    chartEvents(),
    'csv',
  );

  log('demo: chart activity features (a behaviour job)');
  await done(
    admin,
    await deps.behaviour.submitFeatures(admin, {
      dataset: `${DEMO_OWNER}/chart-events@1`,
      output: 'admin/chart-activity',
      churnCutoff: '2000-10-01',
    }),
  );

  log('demo: registering the benchmarks uci-sentences-en and chart-churn');
  const benchmarks = [
    await deps.benchmarks.register(admin, {
      name: 'uci-sentences-en',
      task: 'sentiment',
      description: 'English one-sentence reviews (Amazon, IMDb, Yelp): positive or negative. 600 hidden sentences.',
      dataset: 'admin/uci-sentences@1',
      target: 'label',
      metric: 'accuracy',
    }),
    await deps.benchmarks.register(admin, {
      name: 'chart-churn',
      task: 'classification',
      description:
        'Will an artist in the Billboard Hot 100 before October 2000 be gone from it after? Activity features per artist.',
      dataset: 'admin/chart-activity@1',
      target: 'churned',
      metric: 'accuracy',
    }),
  ];
  for (const [bench, ref, description] of [
    ['uci-sentences-en', `${DEMO_OWNER}/uci-sentences-en`, 'The training part of the uci-sentences-en benchmark'],
    ['chart-churn', `${DEMO_OWNER}/chart-activity`, 'The training part of the chart-churn benchmark'],
  ] as const) {
    const part = await deps.benchmarks.trainPart(bench);
    await upload(demo, ref, 'public', description, fs.readFileSync(part.path, 'utf8'), 'csv');
  }

  const published: string[] = [];
  for (const m of DEMO_MODELS) {
    const model = `${DEMO_OWNER}/${m.name}`;
    log(`demo: training ${model}`);
    const job = await done(demo, await deps.jobs.submitTraining(demo, { ...m.training, model }));
    const version = job.result?.version as number;
    await deps.registry.updateModel(demo, DEMO_OWNER, m.name, {
      visibility: 'public',
      description: m.description,
      tags: m.tags,
    });
    await deps.cards.put(demo, DEMO_OWNER, m.name, m.card);
    const gate = await done(demo, await deps.market.publish(demo, DEMO_OWNER, m.name, { version }));
    const report = gate.result?.report as {
      passed: boolean;
      checks: Array<{ name: string; passed: boolean; detail: string }>;
    };
    if (!report.passed) {
      const why = report.checks.filter((c) => !c.passed).map((c) => `${c.name}: ${c.detail}`);
      throw new Error(`the quality gate refused ${model}: ${why.join('; ')}`);
    }
    published.push(model);
    if (m.benchmark) await done(demo, await deps.benchmarks.submit(demo, m.benchmark, { model, version }));
  }

  const summary: DemoSummary = {
    loaded: true,
    published,
    benchmarks: benchmarks.map((b) => b.name),
    seconds: seconds(),
  };
  fs.writeFileSync(`${marker}.tmp`, `${JSON.stringify({ ...summary, at: new Date().toISOString() }, null, 2)}\n`);
  fs.renameSync(`${marker}.tmp`, marker);
  log(`demo: ${published.length} models published, ${summary.benchmarks.length} benchmarks, in ${summary.seconds} s`);
  return summary;
}

function skipped(reason: string): Omit<DemoSummary, 'seconds'> {
  return { loaded: false, reason, published: [], benchmarks: [] };
}

async function finished(jobs: JobService, who: Principal, job: JobView): Promise<JobView> {
  for (;;) {
    const now = await jobs.get(who, job.id);
    if (now.state === 'succeeded') return now;
    if (now.state === 'failed' || now.state === 'cancelled') {
      throw new Error(`demo: job ${job.id} (${job.kind}) ${now.state}: ${now.error ?? ''}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
